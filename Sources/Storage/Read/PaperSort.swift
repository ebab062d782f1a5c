/// How ``Library/list(_:sort:limit:)`` orders papers.
public enum PaperSort: String, CaseIterable, Sendable {
    /// Newest first.
    case added
    /// A to Z.
    case title
    /// Newest publication year first.
    case year
    /// Most recently changed first.
    case updated

    var orderBy: String {
        switch self {
        case .added: "p.added_at DESC, p.rowid DESC"
        case .title: "p.title COLLATE NOCASE ASC, p.rowid ASC"
        case .year: "p.year IS NULL, p.year DESC, p.added_at DESC, p.rowid DESC"
        case .updated: "p.changed_at DESC, p.rowid DESC"
        }
    }
}
