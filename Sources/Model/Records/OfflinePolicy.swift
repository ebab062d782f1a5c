/// Which papers' files this machine keeps: a scope, optionally narrowed by a
/// query in the search language (`queue`, `all tag:thesis`, `none`). Local to
/// each machine (a laptop may keep less than a desktop), never synced.
///
/// ```swift
/// let policy = try OfflinePolicy(parsing: "all tag:thesis")
/// policy.query   // the papers it wants: not in the trash, tagged thesis
/// ```
public struct OfflinePolicy: Hashable, Sendable, CustomStringConvertible {
    /// Which papers, before the query narrows them.
    public enum Scope: String, CaseIterable, Hashable, Sendable {
        /// Papers queued or being read (the default).
        case queue
        /// Every paper not in the trash.
        case all
        /// None: only pinned papers.
        case none
    }

    /// The scope.
    public var scope: Scope
    /// The query that narrows it, as typed (empty: none).
    public var filter: String

    /// The default: papers that are queued or being read.
    public static let standard = OfflinePolicy(scope: .queue, filter: "")

    /// Creates a policy.
    public init(scope: Scope, filter: String) {
        self.scope = scope; self.filter = filter
    }

    /// A policy as typed: a scope, then an optional query.
    ///
    /// - Throws: ``SearchQueryError`` naming an unknown scope or a bad query term.
    public init(parsing text: String) throws(SearchQueryError) {
        let words = text.split(separator: " ", maxSplits: 1).map(String.init)
        guard let first = words.first, let scope = Scope(rawValue: first.lowercased()) else {
            throw SearchQueryError(token: text, reason: "an offline policy starts with queue, all or none (then an optional query such as tag:thesis)")
        }
        self.scope = scope
        filter = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
        if scope == .none, !filter.isEmpty {
            throw SearchQueryError(token: text, reason: "'none' keeps no papers but pinned ones; it takes no query")
        }
        _ = try query
    }

    /// The papers the policy wants, as a search query; nil for ``Scope/none``.
    public var query: SearchQuery? {
        get throws(SearchQueryError) {
            guard scope != .none else { return nil }
            var query = try SearchQuery(filter)
            if scope == .queue { query.statuses = [.queued, .reading] }
            return query
        }
    }

    /// The text form, as typed: `queue`, `all tag:thesis`.
    public var description: String { filter.isEmpty ? scope.rawValue : scope.rawValue + " " + filter }

    /// What the policy keeps, in words.
    public var explanation: String {
        let narrowed = filter.isEmpty ? "" : " matching \(filter)"
        switch scope {
        case .queue: return "papers queued or being read\(narrowed), and pinned papers"
        case .all: return "every paper\(narrowed) not in the trash, and pinned papers"
        case .none: return "pinned papers only"
        }
    }
}
