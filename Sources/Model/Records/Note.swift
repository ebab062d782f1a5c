import Foundation

/// A Markdown note on a paper. A paper has any number of them.
public struct Note: Hashable, Sendable, Identifiable {
    /// The record's id.
    public var id: UUID
    /// The paper it belongs to.
    public var paperID: UUID
    /// The Markdown text.
    public var body: String
    /// When it was written.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// Removed, restorable.
    public var isTrashed: Bool
    /// The note this one is a conflict copy of, when sync made it.
    public var conflictOf: UUID?
    /// A conflict copy's title, naming the device and date it was made on; nil for other notes.
    public var title: String?

    /// Creates a value from its fields.
    public init(id: UUID, paperID: UUID, body: String, createdAt: Date, updatedAt: Date,
                isTrashed: Bool = false, conflictOf: UUID? = nil, title: String? = nil) {
        self.id = id; self.paperID = paperID; self.body = body; self.createdAt = createdAt
        self.updatedAt = updatedAt; self.isTrashed = isTrashed; self.conflictOf = conflictOf
        self.title = title
    }
}
