import Foundation

/// A paper with everything the reader attached to it.
public struct PaperDetail: Hashable, Sendable {
    /// The paper.
    public var paper: Paper
    /// Its tags, sorted.
    public var tags: [TagName]
    /// Its notes, oldest first.
    public var notes: [Note]
    /// Its highlights, in page order.
    public var highlights: [Highlight]

    /// Creates a value from its fields.
    public init(paper: Paper, tags: [TagName] = [], notes: [Note] = [], highlights: [Highlight] = []) {
        self.paper = paper; self.tags = tags; self.notes = notes; self.highlights = highlights
    }
}
