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
    /// Its files, oldest first.
    public var attachments: [Attachment] = []
    /// Which of its files are on this machine (local state).
    public var filesHere: Set<FileHash> = []
    /// The citation key the paper would get if it were exported now, when it has
    /// none yet: generated keys are fixed at the first export (or when the user
    /// sets one), so that a key made before `refresh` filled the authors
    /// (`anon2024`) does not stick.
    public var provisionalCiteKey: String?

    /// Creates a value from its fields.
    public init(paper: Paper, tags: [TagName] = [], notes: [Note] = [], highlights: [Highlight] = []) {
        self.paper = paper; self.tags = tags; self.notes = notes; self.highlights = highlights
    }
}
