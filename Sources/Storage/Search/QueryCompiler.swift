import GRDB
import Model

/// Turns a ``SearchQuery`` into SQL over `paper p` and an FTS5 match expression.
///
/// Every user word goes into the match expression as a quoted FTS5 string, so
/// no input can be FTS5 syntax: `NOT`, `(`, `*` or a stray quote are searched
/// as the words they contain, never raise an error.
struct QueryCompiler {
    /// Conditions that need the paper's row (`p`), other than the trash.
    var paperConditions: [String] = []
    var arguments: [(any DatabaseValueConvertible)?] = []
    /// Papers in the trash, or not, by the paper's row.
    let trashCondition: String
    /// The FTS5 expression, when the query has words: the words, minus the
    /// excluded words, restricted to the trash or to the list through the `state`
    /// column, so that ranking needs no paper rows.
    var matchExpression: String?
    /// The FTS5 expression over the text of papers' files (`page_fts`): the words
    /// minus the excluded words.
    var pageMatchExpression: String?
    /// Whether the words are looked for in the metadata index (not with `in:text`).
    var searchesMetadata = true

    init(_ query: SearchQuery) {
        trashCondition = query.inTrash ? "coalesce(p.trashed, 0) = 1" : "coalesce(p.trashed, 0) = 0"
        if !query.terms.isEmpty {
            var expression = "(" + query.terms.map(QueryCompiler.fts).joined(separator: " AND ") + ")"
            if !query.excludedTerms.isEmpty {
                expression += " NOT (" + query.excludedTerms.map(QueryCompiler.fts).joined(separator: " OR ") + ")"
            }
            pageMatchExpression = expression
            expression += query.inTrash ? " AND state:trashed" : " NOT state:trashed"
            matchExpression = expression
        } else if !query.excludedTerms.isEmpty {
            paperConditions.append("p.rowid NOT IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?)")
            arguments.append(query.excludedTerms.map(QueryCompiler.fts).joined(separator: " OR "))
        }
        let tagCondition = "EXISTS (SELECT 1 FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.paper_id = p.id AND pt.present = 1 AND t.name = ?)"
        for tag in query.tags {
            paperConditions.append(tagCondition)
            arguments.append(tag.value)
        }
        for tag in query.excludedTags {
            paperConditions.append("NOT " + tagCondition)
            arguments.append(tag.value)
        }
        if !query.statuses.isEmpty {
            paperConditions.append("coalesce(p.status, 'inbox') IN (\(query.statuses.map { _ in "?" }.joined(separator: ",")))")
            arguments += query.statuses.map(\.rawValue)
        }
        for status in query.excludedStatuses {
            paperConditions.append("coalesce(p.status, 'inbox') <> ?")
            arguments.append(status.rawValue)
        }
        if let years = query.years {
            paperConditions.append("p.year BETWEEN ? AND ?")
            arguments += [years.lowerBound, years.upperBound]
        }
        for author in query.authors {
            // Compared folded, as full-text search does: `author:muller` finds "José Müller".
            paperConditions.append("EXISTS (SELECT 1 FROM json_each(p.authors) a WHERE \(Library.foldFunction.name)(a.value) LIKE ? ESCAPE '\\')")
            arguments.append("%" + QueryCompiler.escapeLike(TextNormalization.matchKey(author)) + "%")
        }
        for feature in query.has {
            paperConditions.append(QueryCompiler.condition(feature))
        }
        for feature in query.lacks {
            paperConditions.append("NOT (" + QueryCompiler.condition(feature) + ")")
        }
        if query.inText {
            if let pageMatchExpression {
                // Words inside the papers' files only: the metadata index is not asked.
                searchesMetadata = false
                paperConditions.append("""
                    EXISTS (SELECT 1 FROM attachment a JOIN file_page pg ON pg.sha256 = a.sha256
                            WHERE a.paper_id = p.id AND coalesce(a.trashed, 0) = 0
                              AND pg.rowid IN (SELECT rowid FROM page_fts WHERE page_fts MATCH ?))
                    """)
                arguments.append(pageMatchExpression)
            } else {
                paperConditions.append(QueryCompiler.condition(.text))
            }
        }
    }

    /// Every condition on `paper p`, the trash included; binds ``arguments``.
    var whereClause: String { ([trashCondition] + paperConditions).joined(separator: " AND ") }

    /// `SELECT columns FROM paper p` for every paper the query matches (its words
    /// too, when it has some), unordered, with its arguments.
    func select(_ columns: String) -> (sql: String, arguments: StatementArguments) {
        var sql = "SELECT \(columns) FROM paper p WHERE \(whereClause)"
        var arguments = self.arguments
        if let matchExpression, searchesMetadata {
            sql += " AND p.rowid IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?)"
            arguments.append(matchExpression)
        }
        return (sql, StatementArguments(arguments))
    }

    /// Whether filtering needs the paper rows beyond what the FTS index knows.
    var needsPaperRow: Bool { !paperConditions.isEmpty }

    static func condition(_ feature: SearchQuery.Feature) -> String {
        switch feature {
        case .notes: "EXISTS (SELECT 1 FROM note n WHERE n.paper_id = p.id AND coalesce(n.trashed, 0) = 0)"
        case .highlights: "EXISTS (SELECT 1 FROM highlight h WHERE h.paper_id = p.id AND coalesce(h.trashed, 0) = 0)"
        case .tags: "EXISTS (SELECT 1 FROM paper_tag pt WHERE pt.paper_id = p.id AND pt.present = 1)"
        case .code: "coalesce(p.code_url, '') <> ''"
        case .pdf: "(coalesce(p.pdf_url, '') <> '' OR p.arxiv_id IS NOT NULL)"
        case .abstract: "coalesce(p.abstract, '') <> ''"
        case .doi: "p.doi IS NOT NULL"
        case .arxiv: "p.arxiv_id IS NOT NULL"
        case .file: """
            EXISTS (SELECT 1 FROM attachment a JOIN local_file f ON f.sha256 = a.sha256
                    WHERE a.paper_id = p.id AND coalesce(a.trashed, 0) = 0)
            """
        case .text: """
            EXISTS (SELECT 1 FROM attachment a JOIN file_text t ON t.sha256 = a.sha256
                    WHERE a.paper_id = p.id AND coalesce(a.trashed, 0) = 0 AND t.pages > 0)
            """
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
