import Foundation
import Model

/// An incoming entry and a paper with the same title that are kept apart, because
/// something both state differs (``Model/WorkMatch``): reported by `reader import`,
/// merged only deliberately (`reader duplicates merge`).
public struct NearMatch: Hashable, Sendable {
    /// The entry's title.
    public var title: String
    /// The line of the source where the entry starts.
    public var line: Int?
    /// The entry's citation key.
    public var citeKey: String?
    /// The paper it was kept apart from.
    public var paperID: UUID
    /// That paper's title.
    public var paperTitle: String
    /// That paper's citation key.
    public var paperCiteKey: String?
    /// What differs, the entry's value first.
    public var differences: [WorkDifference]
}
