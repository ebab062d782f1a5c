import Foundation

/// A Markdown note on a paper. A paper has any number of them.
public struct Note: Hashable, Sendable, Identifiable {
    public var id: UUID
    public var paperID: UUID
    public var body: String
    public var createdAt: Date
    public var updatedAt: Date
    public var isTrashed: Bool
    /// The note this one is a conflict copy of, when sync made it.
    public var conflictOf: UUID?

    public init(id: UUID, paperID: UUID, body: String, createdAt: Date, updatedAt: Date,
                isTrashed: Bool = false, conflictOf: UUID? = nil) {
        self.id = id; self.paperID = paperID; self.body = body; self.createdAt = createdAt
        self.updatedAt = updatedAt; self.isTrashed = isTrashed; self.conflictOf = conflictOf
    }
}
