import Foundation

/// A passage quoted from a paper, with where it is and an optional comment.
public struct Highlight: Hashable, Sendable, Identifiable {
    /// The record's id.
    public var id: UUID
    /// The paper it belongs to.
    public var paperID: UUID
    /// The quoted text.
    public var text: String
    /// The page, when given.
    public var page: Int?
    /// Any other location: a section, a figure, a percentage.
    public var location: String?
    /// The reader's comment.
    public var comment: String?
    /// When it was written.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// Removed, restorable.
    public var isTrashed: Bool

    /// Creates a value from its fields.
    public init(id: UUID, paperID: UUID, text: String, page: Int? = nil, location: String? = nil,
                comment: String? = nil, createdAt: Date, updatedAt: Date, isTrashed: Bool = false) {
        self.id = id; self.paperID = paperID; self.text = text; self.page = page
        self.location = location; self.comment = comment; self.createdAt = createdAt
        self.updatedAt = updatedAt; self.isTrashed = isTrashed
    }
}
