import Model

/// Counts for `reader stats`.
public struct LibraryStats: Hashable, Sendable {
    /// Papers not in the trash.
    public var papers: Int
    /// Papers per status.
    public var byStatus: [ReadingStatus: Int]
    /// Papers in the trash.
    public var trashed: Int
    /// Its tags, sorted.
    public var tags: Int
    /// Its notes, oldest first.
    public var notes: Int
    /// Its highlights, in page order.
    public var highlights: Int
    /// Papers with a code link.
    public var withCode: Int
    /// The size of the database file.
    public var fileBytes: Int64
}
