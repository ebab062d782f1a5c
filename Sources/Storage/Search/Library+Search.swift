import Foundation
import GRDB
import Model

extension Library {
    /// Ranked full-text search over titles, authors, abstracts, tags, notes and
    /// highlights, narrowed by the query's filters.
    ///
    /// ```swift
    /// let hits = try library.search("tag:ml attention -survey")
    /// ```
    public func search(_ text: String, limit: Int = 20) throws -> [SearchHit] {
        try search(SearchQuery(text), limit: limit)
    }

    /// Ranked search for a parsed query. A query without words lists the papers
    /// its filters match, newest first, with an empty snippet.
    public func search(_ query: SearchQuery, limit: Int = 20) throws -> [SearchHit] {
        let compiled = QueryCompiler(query)
        guard let match = compiled.matchExpression else {
            return try list(query, sort: .added, limit: limit).map {
                SearchHit(paper: $0.paper, tags: $0.tags, rawSnippet: "", score: 0)
            }
        }
        return try read { db in
            // Rank the matches with bm25 and keep the best `limit`; only then read
            // their rows and make snippets (SQLite computes every result column
            // before it sorts, so a snippet in the ranking query would be made for
            // every match). Without filters the ranking reads the index alone.
            let weights = Schema.searchWeights
            let ranking = compiled.needsPaperRow
                ? """
                  SELECT paper_fts.rowid FROM paper_fts JOIN paper p ON p.rowid = paper_fts.rowid
                  WHERE paper_fts MATCH ? AND \(compiled.whereClause)
                  ORDER BY bm25(paper_fts, \(weights)) LIMIT \(max(0, limit))
                  """
                : "SELECT rowid FROM paper_fts WHERE paper_fts MATCH ? ORDER BY bm25(paper_fts, \(weights)) LIMIT \(max(0, limit))"
            let sql = """
                SELECT \(Library.paperColumns),
                    snippet(paper_fts, -1, char(1), char(2), '…', 24) AS snippet,
                    bm25(paper_fts, \(weights)) AS score
                FROM paper_fts JOIN paper p ON p.rowid = paper_fts.rowid
                WHERE paper_fts MATCH ? AND paper_fts.rowid IN (\(ranking))
                ORDER BY score, p.rowid
                """
            let arguments: [(any DatabaseValueConvertible)?] = [match, match] + (compiled.needsPaperRow ? compiled.arguments : [])
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            let papers = rows.map(Library.paper(row:))
            let tags = try Library.tagNames(db, papers: papers.map(\.id.lowercased))
            return zip(rows, papers).map { row, paper in
                SearchHit(paper: paper, tags: tags[paper.id.lowercased] ?? [], rawSnippet: row["snippet"] ?? "", score: row["score"] ?? 0)
            }
        }
    }
}
