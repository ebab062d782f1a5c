import Model

/// Papers that may be one work: they share a title, a DOI or an arXiv id. Listed
/// by `reader duplicates`; only the user merges them (``Library/mergePapers(_:into:)``).
public struct DuplicateGroup: Hashable, Sendable {
    /// What the papers share.
    public enum Shared: String, Hashable, Sendable {
        case title, doi, arxiv
    }

    /// What the papers share.
    public var shared: Shared
    /// The papers, the one added first first.
    public var papers: [Paper]

    /// What tells each later paper apart from the first (``Model/WorkMatch``):
    /// empty for a paper that is the same work by every rule (two records of one
    /// work, as two machines can make before they sync).
    public var differences: [[WorkDifference]] {
        guard let first = papers.first else { return [] }
        return papers.dropFirst().map { paper in
            if case .near(let differences) = WorkMatch(paper.workFacts, first.workFacts) { return differences }
            return []
        }
    }
}
