import Foundation
import Model

/// A paper named in a message: its short id and title.
public struct PaperSummary: Equatable, Sendable {
    /// The record's id.
    public let id: UUID
    /// The title, as the source gives it.
    public let title: String
    /// The first 8 characters of the id, enough to reference the paper.
    public var shortID: String { String(id.lowercased.prefix(8)) }
}
