/// What acknowledging a batch did.
public struct AcknowledgeReport: Hashable, Sendable {
    /// Changes stored by the server.
    public var applied = 0
    /// Changes a later write beat.
    public var superseded = 0
    /// Text changes made from an older revision than the server's: merged by
    /// lines with it (``merged``), or kept in a conflict copy (``conflictCopies``).
    public var rebased = 0
    /// Refused changes with their reasons.
    public var rejected: [String] = []
    /// Texts merged with the server's by lines (to be pushed again).
    public var merged = 0
    /// Conflict-copy notes made for overlapping edits.
    public var conflictCopies: [String] = []
}
