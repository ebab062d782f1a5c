import Foundation

/// A paper with everything the reader attached to it.
public struct PaperDetail: Hashable, Sendable {
    public var paper: Paper
    public var tags: [TagName]
    public var notes: [Note]
    public var highlights: [Highlight]

    public init(paper: Paper, tags: [TagName] = [], notes: [Note] = [], highlights: [Highlight] = []) {
        self.paper = paper; self.tags = tags; self.notes = notes; self.highlights = highlights
    }
}
