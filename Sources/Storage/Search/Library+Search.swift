import Foundation
import GRDB
import Model

extension Library {
    /// Ranked full-text search over titles, authors, abstracts, tags, notes and
    /// highlights, then over the text of the papers' files, narrowed by the query's
    /// filters. A paper whose metadata, notes or highlights match ranks above every
    /// paper that matches only inside its file; such a hit says on which page.
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
        var hits: [SearchHit] = []
        if !query.inText {
            hits = try metadataHits(compiled, match: match, limit: limit)
        }
        if hits.count < limit, let pageMatch = compiled.pageMatchExpression {
            hits += try pageHits(compiled, match: pageMatch, limit: limit - hits.count, excluding: Set(hits.map(\.paper.id)))
        }
        return hits
    }

    private func metadataHits(_ compiled: QueryCompiler, match: String, limit: Int) throws -> [SearchHit] {
        try read { db in
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

    /// Papers whose files' text matches, best page first, one hit per paper: the
    /// pages are ranked without snippets, and snippets made for the chosen pages only.
    private func pageHits(_ compiled: QueryCompiler, match: String, limit: Int, excluding: Set<UUID>) throws -> [SearchHit] {
        guard limit > 0 else { return [] }
        return try read { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM file_page)") == true else { return [] }
            let ranking = """
                SELECT pg.rowid AS page_row, pg.page AS page, p.id AS paper_id, bm25(page_fts) AS score
                FROM page_fts JOIN file_page pg ON pg.rowid = page_fts.rowid
                JOIN attachment a ON a.sha256 = pg.sha256 AND coalesce(a.trashed, 0) = 0
                JOIN paper p ON p.id = a.paper_id
                WHERE page_fts MATCH ? AND \(compiled.whereClause)
                ORDER BY score, pg.page
                LIMIT \(max(0, (limit + excluding.count) * 8 + 32))
                """
            let ranked = try Row.fetchAll(db, sql: ranking, arguments: StatementArguments([match] + compiled.arguments))
            var chosen: [(pageRow: Int64, page: Int, paperID: String, score: Double)] = []
            var seen = Set(excluding.map(\.lowercased))
            for row in ranked {
                let paperID: String = row["paper_id"]
                guard seen.insert(paperID).inserted else { continue }
                chosen.append((row["page_row"], row["page"], paperID, row["score"]))
                if chosen.count == limit { break }
            }
            let snippet = try db.cachedStatement(sql: "SELECT snippet(page_fts, 0, char(1), char(2), '…', 24) FROM page_fts WHERE page_fts MATCH ? AND rowid = ?")
            let paperRow = try db.cachedStatement(sql: "SELECT \(Library.paperColumns) FROM paper p WHERE p.id = ?")
            let tags = try Library.tagNames(db, papers: chosen.map(\.paperID))
            return try chosen.compactMap { choice in
                guard let row = try Row.fetchOne(paperRow, arguments: [choice.paperID]) else { return nil }
                let paper = Library.paper(row: row)
                let text = try String.fetchOne(snippet, arguments: [match, choice.pageRow]) ?? ""
                return SearchHit(paper: paper, tags: tags[choice.paperID] ?? [], rawSnippet: text, score: choice.score, page: choice.page)
            }
        }
    }
}
