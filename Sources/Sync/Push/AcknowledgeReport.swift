/// What acknowledging a batch did.
package struct AcknowledgeReport: Hashable, Sendable {
    /// Changes stored by the server.
    package var applied = 0
    /// Changes a later write beat.
    package var superseded = 0
    /// Text changes made from an older revision than the server's: merged by
    /// lines with it (``merged``), or kept in a conflict copy (``conflictCopies``).
    package var rebased = 0
    /// Refused changes with their reasons.
    package var rejected: [String] = []
    /// Texts merged with the server's by lines (to be pushed again).
    package var merged = 0
    /// Conflict-copy notes made for overlapping edits.
    package var conflictCopies: [String] = []
}
