import Foundation

/// The counts of one import.
public struct ImportReport: Hashable, Sendable {
    /// Drafts stored as new papers.
    public var added = 0
    /// Drafts that completed a paper already there.
    public var merged = 0
    /// Drafts whose paper had everything already.
    public var unchanged = 0
    /// Drafts left out because their paper was purged (a purge is for good on
    /// every machine; `reader add … --again` brings a paper back deliberately).
    public var purged: [PurgedPaper] = []
    /// Entries kept apart from a paper with the same title because they differ in
    /// first author, year, identifier or (within the file) key.
    public var nearMatches: [NearMatch] = []
    /// The outcome of each draft, in input order.
    public var outcomes: [AddOutcome] = []

    /// Creates a value from its fields.
    public init() {}
}

/// A paper an import left out because it was purged.
public struct PurgedPaper: Hashable, Sendable {
    /// The title the import gave it.
    public var title: String
    /// When it was purged.
    public var purgedAt: Date
}
