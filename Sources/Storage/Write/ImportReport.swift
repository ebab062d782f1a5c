import Foundation

/// The counts of one import.
public struct ImportReport: Hashable, Sendable {
    public var added = 0
    public var merged = 0
    public var unchanged = 0
    /// The outcome of each draft, in input order.
    public var outcomes: [AddOutcome] = []

    public init() {}
}
