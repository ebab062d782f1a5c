import Model

/// Counts for `reader stats`.
public struct LibraryStats: Hashable, Sendable {
    public var papers: Int
    public var byStatus: [ReadingStatus: Int]
    public var trashed: Int
    public var tags: Int
    public var notes: Int
    public var highlights: Int
    public var withCode: Int
    public var pendingChanges: Int
    public var fileBytes: Int64
}
