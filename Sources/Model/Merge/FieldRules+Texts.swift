/// The rules of texts merged by revision (note bodies, highlight comments): the
/// server keeps a numbered history of each such field and takes a pushed text
/// only when it was edited from the current revision; otherwise the client merges
/// by lines (``LineMerge``) and pushes again. Written once, for the server's push
/// and the client's pull.
extension FieldRules {
    /// What the server does with a pushed text.
    public enum TextPush: Hashable, Sendable {
        /// Stored as this new revision.
        case newRevision(Int64)
        /// The same text with the same clock again: already this revision.
        case duplicate(Int64)
        /// Edited from an older revision than `current`: the client must merge.
        case rebase(current: Int64)
    }

    /// Compare and swap on the base revision. The same text with another clock is a
    /// new revision: every replica must end with one clock.
    ///
    /// - Parameters:
    ///   - stored: the current text and clock (nil before the first text).
    ///   - storedRev: its revision (0 before the first text).
    ///   - baseRev: the revision the pushed text was edited from (0 or nil for a new text).
    public static func textPush(stored: Stamped?, storedRev: Int64, baseRev: Int64?, incoming: Stamped) -> TextPush {
        guard (baseRev ?? 0) == storedRev else { return .rebase(current: storedRev) }
        if let stored, stored == incoming { return .duplicate(storedRev) }
        return .newRevision(storedRev + 1)
    }

    /// What a client does with a pulled text.
    public enum TextPull: Hashable, Sendable {
        /// Take it, and remember its revision as the text's base.
        case take
        /// A local edit of it waits to be sent: keep the local text; the push will
        /// be answered with this text to merge with.
        case keepLocalEdit
        /// An older revision than the one this copy is in step with: ignore it.
        case ignoreOlder
    }

    /// Which text a client keeps when a revision arrives.
    ///
    /// - Parameters:
    ///   - rev: the pulled revision.
    ///   - base: the revision this copy is in step with (nil when none).
    ///   - localEditWaiting: whether the field has a local edit not yet sent.
    public static func textPull(rev: Int64, base: Int64?, localEditWaiting: Bool) -> TextPull {
        if localEditWaiting { return .keepLocalEdit }
        if let base, rev < base { return .ignoreOlder }
        return .take
    }
}
