import GRDB
import Model

/// Turns a ``SearchQuery`` into SQL over `paper p` and an FTS5 match expression.
///
/// Every user word goes into the match expression as a quoted FTS5 string, so
/// no input can be FTS5 syntax: `NOT`, `(`, `*` or a stray quote are searched
/// as the words they contain, never raise an error.
struct QueryCompiler {
    var conditions: [String] = []
    var arguments: [(any DatabaseValueConvertible)?] = []
    /// The FTS5 expression for the required terms, when there are any.
    var matchExpression: String?

    init(_ query: SearchQuery) {
        conditions.append(query.inTrash ? "coalesce(p.trashed, 0) = 1" : "coalesce(p.trashed, 0) = 0")
        if !query.terms.isEmpty {
            matchExpression = query.terms.map(QueryCompiler.fts).joined(separator: " AND ")
        }
        if !query.excludedTerms.isEmpty {
            conditions.append("p.rowid NOT IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?)")
            arguments.append(query.excludedTerms.map(QueryCompiler.fts).joined(separator: " OR "))
        }
        let tagCondition = "EXISTS (SELECT 1 FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.paper_id = p.id AND pt.present = 1 AND t.name = ?)"
        for tag in query.tags {
            conditions.append(tagCondition)
            arguments.append(tag.value)
        }
        for tag in query.excludedTags {
            conditions.append("NOT " + tagCondition)
            arguments.append(tag.value)
        }
        if !query.statuses.isEmpty {
            conditions.append("coalesce(p.status, 'inbox') IN (\(query.statuses.map { _ in "?" }.joined(separator: ",")))")
            arguments += query.statuses.map(\.rawValue)
        }
        for status in query.excludedStatuses {
            conditions.append("coalesce(p.status, 'inbox') <> ?")
            arguments.append(status.rawValue)
        }
        if let years = query.years {
            conditions.append("p.year BETWEEN ? AND ?")
            arguments += [years.lowerBound, years.upperBound]
        }
        for author in query.authors {
            conditions.append("EXISTS (SELECT 1 FROM json_each(p.authors) a WHERE a.value LIKE ? ESCAPE '\\')")
            arguments.append("%" + QueryCompiler.escapeLike(author) + "%")
        }
        for attachment in query.has {
            conditions.append(QueryCompiler.condition(attachment))
        }
        for attachment in query.lacks {
            conditions.append("NOT (" + QueryCompiler.condition(attachment) + ")")
        }
    }

    var whereClause: String { conditions.joined(separator: " AND ") }

    static func condition(_ attachment: SearchQuery.Attachment) -> String {
        switch attachment {
        case .notes: "EXISTS (SELECT 1 FROM note n WHERE n.paper_id = p.id AND coalesce(n.trashed, 0) = 0)"
        case .highlights: "EXISTS (SELECT 1 FROM highlight h WHERE h.paper_id = p.id AND coalesce(h.trashed, 0) = 0)"
        case .tags: "EXISTS (SELECT 1 FROM paper_tag pt WHERE pt.paper_id = p.id AND pt.present = 1)"
        case .code: "coalesce(p.code_url, '') <> ''"
        case .pdf: "(coalesce(p.pdf_url, '') <> '' OR p.arxiv_id IS NOT NULL)"
        case .abstract: "coalesce(p.abstract, '') <> ''"
        case .doi: "p.doi IS NOT NULL"
        case .arxiv: "p.arxiv_id IS NOT NULL"
        }
    }

    /// One term as an FTS5 string: `"word"`, `"a phrase"`, `"pre" *`.
    static func fts(_ term: SearchQuery.Term) -> String {
        switch term {
        case .word(let text), .phrase(let text): quote(text)
        case .prefix(let text): quote(text) + " *"
        }
    }

    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
