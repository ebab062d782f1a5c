import Model

/// A paper listed with its tags.
public struct ListedPaper: Hashable, Sendable {
    public var paper: Paper
    public var tags: [TagName]
}
