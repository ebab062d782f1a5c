import Foundation

/// A passage quoted from a paper, with where it is and an optional comment.
public struct Highlight: Hashable, Sendable, Identifiable {
    public var id: UUID
    public var paperID: UUID
    /// The quoted text.
    public var text: String
    public var page: Int?
    /// Any other location: a section, a figure, a percentage.
    public var location: String?
    public var comment: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var isTrashed: Bool

    public init(id: UUID, paperID: UUID, text: String, page: Int? = nil, location: String? = nil,
                comment: String? = nil, createdAt: Date, updatedAt: Date, isTrashed: Bool = false) {
        self.id = id; self.paperID = paperID; self.text = text; self.page = page
        self.location = location; self.comment = comment; self.createdAt = createdAt
        self.updatedAt = updatedAt; self.isTrashed = isTrashed
    }
}
