/// The counts of a ``Library/merge(_:)``.
public struct MergeReport: Hashable, Sendable {
    /// Every record merged.
    public var records: Int { created + updated + unchanged + purged }
    /// Records that did not exist before.
    public var created = 0
    /// Existing records with at least one field replaced by a newer value.
    public var updated = 0
    /// Records whose every field was already as new or newer.
    public var unchanged = 0
    /// Records purged by the merge (a tombstone new to this library).
    public var purged = 0
    /// Earlier texts of notes and highlights a restore added to their history.
    public var histories = 0
}
