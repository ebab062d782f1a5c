import Model

/// A paper listed with its tags.
public struct ListedPaper: Hashable, Sendable {
    /// The paper.
    public var paper: Paper
    /// Its tags, sorted.
    public var tags: [TagName]
}
