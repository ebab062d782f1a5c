import Foundation

/// The counts of one import.
public struct ImportReport: Hashable, Sendable {
    /// Drafts stored as new papers.
    public var added = 0
    /// Drafts that completed a paper already there.
    public var merged = 0
    /// Drafts whose paper had everything already.
    public var unchanged = 0
    /// The outcome of each draft, in input order.
    public var outcomes: [AddOutcome] = []

    /// Creates a value from its fields.
    public init() {}
}
