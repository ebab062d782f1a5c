import Foundation
import GRDB
import Model

extension Library {
    /// The columns ``paper(row:)`` reads, first in every select of papers: the
    /// rowid, the id, every field of ``Model/Entity/paper`` in its order, the time of the last change.
    static let paperColumns = "p.rowid, p.id, " + PaperRow.fields.map { "p." + $0.name }.joined(separator: ", ") + ", p.changed_at"

    /// The paper with this id, in the trash or not.
    public func paper(_ id: UUID) throws -> Paper? {
        try read { db in try Library.paper(db, id: id.lowercased) }
    }

    /// A paper with its tags, notes and highlights.
    public func detail(_ id: UUID) throws -> PaperDetail? {
        try read { db in
            guard let paper = try Library.paper(db, id: id.lowercased) else { return nil }
            var detail = try Library.detail(db, paper: paper)
            if paper.citeKey == nil {
                detail.provisionalCiteKey = try ChangeWriter.freeCiteKey(db, preferring: nil, authors: paper.authors, year: paper.year, title: paper.title)
            }
            return detail
        }
    }

    /// Papers matching a query's filters (and words, if any), in `sort` order.
    public func list(_ query: SearchQuery = SearchQuery(), sort: PaperSort = .added, limit: Int? = nil) throws -> [ListedPaper] {
        try read { db in
            var (sql, arguments) = QueryCompiler(query).select(Library.paperColumns)
            sql += " ORDER BY \(sort.orderBy)"
            if let limit { sql += " LIMIT \(max(0, limit))" }
            let papers = try Row.fetchAll(db, sql: sql, arguments: arguments).map(Library.paper(row:))
            let tags = try Library.tagNames(db, papers: papers.map(\.id.lowercased))
            return papers.map { ListedPaper(paper: $0, tags: tags[$0.id.lowercased] ?? []) }
        }
    }

    /// The papers read most recently, newest first (papers marked read without a
    /// date are not among them).
    public func lastRead(limit: Int) throws -> [ListedPaper] {
        try read { db in
            // The index of read papers walked from its end: no sort of every read paper.
            let papers = try Row.fetchAll(db, sql: """
                SELECT \(Library.paperColumns) FROM paper p INDEXED BY paper_live_by_read
                WHERE coalesce(p.trashed, 0) = 0 AND p.read_at IS NOT NULL AND coalesce(p.status, 'inbox') = 'read'
                ORDER BY p.read_at DESC, p.added_at DESC, p.rowid DESC LIMIT ?
                """, arguments: [max(0, limit)]).map(Library.paper(row:))
            let tags = try Library.tagNames(db, papers: papers.map(\.id.lowercased))
            return papers.map { ListedPaper(paper: $0, tags: tags[$0.id.lowercased] ?? []) }
        }
    }

    /// How many papers match a query's filters (and words, if any).
    public func count(_ query: SearchQuery) throws -> Int {
        try read { db in
            let (sql, arguments) = QueryCompiler(query).select("count(*)")
            return try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
        }
    }

    /// Calls `body` with each matching paper and everything attached to it,
    /// reading in batches so that memory stays flat however large the library.
    ///
    /// With `annotations: false`, details carry tags but no notes or highlights,
    /// which bibliography exports do not need.
    public func forEachDetail(_ query: SearchQuery = SearchQuery(), sort: PaperSort = .added, annotations: Bool = true,
                              _ body: (PaperDetail) throws -> Void) throws {
        try read { db in
            // One statement gives each paper with its tag names and how many notes and
            // highlights it has, so a paper without annotations costs no other query.
            var (sql, arguments) = QueryCompiler(query).select(Library.paperColumns + """
                , (SELECT group_concat(name, char(31)) FROM (SELECT t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id
                       WHERE pt.paper_id = p.id AND pt.present = 1 ORDER BY t.name)) AS tag_names
                , EXISTS (SELECT 1 FROM note n WHERE n.paper_id = p.id AND coalesce(n.trashed, 0) = 0) AS has_notes
                , EXISTS (SELECT 1 FROM highlight h WHERE h.paper_id = p.id AND coalesce(h.trashed, 0) = 0) AS has_highlights
                """)
            sql += " ORDER BY \(sort.orderBy)"
            var tagCache: [String: TagName] = [:]
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                let paper = Library.paper(row: row)
                var tags: [TagName] = []
                // The three columns after the paper's, by position (a name is looked up per row).
                let tagNames = PaperRow.changedAtColumn + 1, hasNotes = tagNames + 1, hasHighlights = tagNames + 2
                if !row.hasNull(atIndex: tagNames) {
                    let names = row[tagNames] as String
                    for name in names.split(separator: "\u{1F}") {
                        if let tag = tagCache[String(name)] {
                            tags.append(tag)
                        } else if let tag = try? TagName(String(name)) {
                            tagCache[String(name)] = tag
                            tags.append(tag)
                        }
                    }
                }
                var detail = PaperDetail(paper: paper, tags: tags)
                if annotations, row[hasNotes] as Bool || row[hasHighlights] as Bool {
                    let full = try Library.detail(db, paper: paper)
                    detail.notes = full.notes
                    detail.highlights = full.highlights
                }
                try body(detail)
            }
        }
    }

    /// The keys to export papers under where two papers share a citation key
    /// (possible when two machines gave the same key before syncing): the first
    /// paper added keeps it, each later one gets `key-` and the start of its id.
    /// Papers not listed export under their own key.
    public func citeKeyRenames() throws -> [UUID: String] {
        try read { db in
            var renames: [UUID: String] = [:]
            var seen: Set<String> = []
            // The shared keys come from the key index alone; only their papers are read.
            let shared = try String.fetchAll(db, sql: """
                SELECT cite_key FROM paper INDEXED BY paper_by_cite_key WHERE cite_key IS NOT NULL
                GROUP BY cite_key COLLATE NOCASE HAVING count(*) > 1
                """)
            guard !shared.isEmpty else { return [:] }
            for row in try Row.fetchAll(db, sql: """
                SELECT id, cite_key FROM paper WHERE cite_key COLLATE NOCASE IN (\(shared.map { _ in "?" }.joined(separator: ",")))
                ORDER BY added_at, id
                """, arguments: StatementArguments(shared)) {
                let key: String = row["cite_key"]
                let idText: String = row["id"]
                guard let id = UUID(parsing: idText) else { continue }
                if !seen.insert(key.lowercased()).inserted { renames[id] = key + "-" + idText.prefix(8) }
            }
            return renames
        }
    }

    /// Finds the paper a user means: an arXiv id, a DOI, a citation key (or the key
    /// of an entry merged into it, ``Model/Paper/citeAliases``), an id
    /// prefix (at least 4 characters) or a fragment of the title that only one
    /// paper has.
    ///
    /// A reference that finds nothing where it looked but one paper on the other
    /// side of the trash says so (``StorageError/paperInTrash(reference:title:)``,
    /// ``StorageError/paperNotInTrash(reference:title:)``), so that no command
    /// claims a paper is missing when it is only in the trash.
    ///
    /// - Parameter place: where to look: the reading list (the default), the trash, or both.
    public func resolve(_ reference: String, in place: PaperPlace = .list) throws -> Paper {
        let reference = String(reference.trimmingCharacters(in: .whitespaces))
        return try read { db in
            // Both sides of the trash are searched together, stage by stage, so that
            // a paper in the trash matching the reference better (as a whole word)
            // than papers in the list ("optima", "optimal") is the one reported.
            let all = try Library.candidates(db, reference: reference)
            let found = place.trashed.map { trashed in all.filter { $0.isTrashed == trashed } } ?? all
            if found.isEmpty, let trashed = place.trashed {
                let other = all.filter { $0.isTrashed != trashed }
                if other.count == 1, let paper = other.first {
                    throw trashed ? StorageError.paperNotInTrash(reference: reference, title: paper.displayTitle)
                        : StorageError.paperInTrash(reference: reference, title: paper.displayTitle)
                }
            }
            guard let first = found.first else { throw StorageError.paperNotFound(reference: reference) }
            guard found.count == 1 else {
                throw StorageError.ambiguousReference(reference: reference, candidates: found.prefix(51).map { PaperSummary(id: $0.id, title: $0.displayTitle) })
            }
            return first
        }
    }

    /// Finds the paper a user means in the reading list, or with `inTrash`, in the trash.
    public func resolve(_ reference: String, inTrash: Bool) throws -> Paper {
        try resolve(reference, in: inTrash ? .trash : .list)
    }

    /// The papers a reference fits at the first stage that finds any (identifiers,
    /// citation key, id prefix, exact title, title words, title fragment), in the
    /// list and the trash; at most 102, so that 51 of either side are there.
    /// The papers that have `?` as the key of an entry merged into them.
    static let aliasCondition = "p.cite_aliases IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(p.cite_aliases) WHERE value = ? COLLATE NOCASE)"

    static func candidates(_ db: Database, reference: String) throws -> [Paper] {
        // `sortedByIndex: false` keeps SQLite from walking `paper_by_added` to avoid a
        // sort, when the condition has an index of its own (a partial one) that finds
        // the few rows at once: walking it read every paper (0.35 s at 100,000 papers).
        func fetch(_ condition: String, _ arguments: StatementArguments, sortedByIndex: Bool = true) throws -> [Paper] {
            let order = sortedByIndex ? "p.added_at" : "+p.added_at"
            return try Row.fetchAll(db, sql: "SELECT \(Library.paperColumns) FROM paper p WHERE \(condition) ORDER BY \(order), p.rowid LIMIT 102", arguments: arguments)
                .map(Library.paper(row:))
        }
        var candidates: [Paper] = []
        switch PaperIdentifier(reference) {
        case .arxiv(let id): candidates = try fetch("p.arxiv_id = ?", [id.id])
        case .doi(let doi): candidates = try fetch("p.doi = ? COLLATE NOCASE", [doi.value])
        case nil: break
        }
        if candidates.isEmpty, CiteKey.isUsable(reference) {
            candidates = try fetch("p.cite_key = ? COLLATE NOCASE", [reference])
            if candidates.isEmpty {
                // The key of an entry merged into a paper (read from the few papers that have any).
                candidates = try fetch(aliasCondition, [reference], sortedByIndex: false)
            }
        }
        let lower = reference.lowercased()
        if candidates.isEmpty, lower.count >= 4, lower.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
            candidates = try fetch("p.id >= ? AND p.id < ?", [lower, lower + "~"])
        }
        if candidates.isEmpty {
            let key = TextNormalization.matchKey(reference)
            if !key.isEmpty {
                // An exact title, else the titles holding the fragment as whole
                // words ("optima" is not "optimal"), else as any part of a word.
                let escaped = QueryCompiler.escapeLike(key)
                candidates = try fetch("p.match_title = ?", [key])
                if candidates.isEmpty {
                    candidates = try fetch("(' ' || p.match_title || ' ') LIKE ? ESCAPE '\\'", ["% " + escaped + " %"])
                }
                if candidates.isEmpty {
                    candidates = try fetch("p.match_title LIKE ? ESCAPE '\\'", ["%" + escaped + "%"])
                }
            }
        }
        return candidates
    }

    /// A note (not removed) by id, unique id prefix, or the 8-character id end `reader` prints.
    public func note(_ reference: String) throws -> Note {
        try read { db in
            let row: Row = try Library.uniqueRow(db, table: "note", kind: "note", reference: reference,
                columns: "id, paper_id, body, created_at, updated_at, trashed, conflict_of, title")
            return Library.note(row: row)
        }
    }

    /// A highlight (not removed) by id, unique id prefix, or the 8-character id end `reader` prints.
    public func highlight(_ reference: String) throws -> Highlight {
        try read { db in
            let row: Row = try Library.uniqueRow(db, table: "highlight", kind: "highlight", reference: reference,
                columns: "id, paper_id, text, page, location, comment, created_at, updated_at, trashed")
            return Library.highlight(row: row)
        }
    }

    /// Notes not in the trash, of one paper or of all, oldest first.
    public func notes(of paperID: UUID? = nil) throws -> [Note] {
        try read { db in
            let filter = paperID == nil ? "" : "AND paper_id = ?"
            return try Row.fetchAll(db, sql: "SELECT id, paper_id, body, created_at, updated_at, trashed, conflict_of, title FROM note WHERE coalesce(trashed, 0) = 0 \(filter) ORDER BY created_at, id",
                                    arguments: StatementArguments(paperID.map { [$0.lowercased] } ?? []))
                .map(Library.note(row:))
        }
    }

    /// Highlights not in the trash, of one paper or of all, in page order.
    public func highlights(of paperID: UUID? = nil) throws -> [Highlight] {
        try read { db in
            let filter = paperID == nil ? "" : "AND paper_id = ?"
            return try Row.fetchAll(db, sql: "SELECT id, paper_id, text, page, location, comment, created_at, updated_at, trashed FROM highlight WHERE coalesce(trashed, 0) = 0 \(filter) ORDER BY paper_id, page IS NULL, page, created_at, id",
                                    arguments: StatementArguments(paperID.map { [$0.lowercased] } ?? []))
                .map(Library.highlight(row:))
        }
    }

    /// Every tag in use, with how many papers (not in the trash) carry it.
    public func tagCounts() throws -> [(tag: TagName, papers: Int)] {
        try read(Library.tagCounts)
    }

    static func tagCounts(_ db: Database) throws -> [(tag: TagName, papers: Int)] {
        // Kept by triggers (`Schema/TagCounts.swift`): no join of every membership.
        try Row.fetchAll(db, sql: """
            SELECT t.name, c.papers AS n FROM tag_count c JOIN tag t ON t.id = c.tag_id
            WHERE c.papers > 0 ORDER BY c.papers DESC, t.name
            """).compactMap { row in (try? TagName(row["name"] as String)).map { ($0, row["n"] as Int) } }
    }

    /// How many papers in the list (not the trash) have each status.
    public func countsByStatus() throws -> [ReadingStatus: Int] {
        try read(Library.countsByStatus)
    }

    static func countsByStatus(_ db: Database) throws -> [ReadingStatus: Int] {
        var byStatus: [ReadingStatus: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT coalesce(p.status, 'inbox') AS s, count(*) AS n FROM paper p WHERE coalesce(p.trashed, 0) = 0 GROUP BY 1") {
            if let status = ReadingStatus(rawValue: row["s"]) { byStatus[status] = row["n"] }
        }
        return byStatus
    }

    // MARK: - Row decoding

    static func paper(_ db: Database, id: String) throws -> Paper? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(paperColumns) FROM paper p WHERE p.id = ?"), arguments: [id]).map(paper(row:))
    }

    static func detail(_ db: Database, paper: Paper) throws -> PaperDetail {
        let id = paper.id.lowercased
        let notes = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, paper_id, body, created_at, updated_at, trashed, conflict_of, title FROM note WHERE paper_id = ? AND coalesce(trashed, 0) = 0 ORDER BY created_at, id"), arguments: [id]).map(note(row:))
        let highlights = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, paper_id, text, page, location, comment, created_at, updated_at, trashed FROM highlight WHERE paper_id = ? AND coalesce(trashed, 0) = 0 ORDER BY page IS NULL, page, created_at, id"), arguments: [id]).map(highlight(row:))
        var detail = PaperDetail(paper: paper, tags: try tagNames(db, paper: id), notes: notes, highlights: highlights)
        detail.attachments = try attachments(db, paper: id)
        if !detail.attachments.isEmpty {
            detail.filesHere = Set(try String.fetchAll(db, sql: "SELECT f.sha256 FROM local_file f JOIN attachment a ON a.sha256 = f.sha256 WHERE a.paper_id = ?", arguments: [id])
                .compactMap(FileHash.init))
        }
        return detail
    }

    static func tagNames(_ db: Database, paper: String) throws -> [TagName] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.paper_id = ? AND pt.present = 1 ORDER BY t.name"), arguments: [paper])
            .compactMap { try? TagName($0) }
    }

    static func tagNames(_ db: Database, papers: [String]) throws -> [String: [TagName]] {
        guard !papers.isEmpty else { return [:] }
        var result: [String: [TagName]] = [:]
        let placeholders = Array(repeating: "?", count: papers.count).joined(separator: ",")
        for row in try Row.fetchAll(db, sql: "SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.present = 1 AND pt.paper_id IN (\(placeholders)) ORDER BY t.name", arguments: StatementArguments(papers)) {
            if let name = try? TagName(row["name"] as String) { result[row["paper_id"], default: []].append(name) }
        }
        return result
    }

    static func uniqueRow(_ db: Database, table: String, kind: String, reference: String, columns: String) throws -> Row {
        let lower = reference.lowercased().trimmingCharacters(in: .whitespaces)
        guard !lower.isEmpty else { throw StorageError.recordNotFound(kind: kind, reference: reference) }
        // Notes and highlights have time-ordered ids (UUIDv7), so ids made in the
        // same minute share their first characters: a reference may be a prefix
        // or a suffix (the random end, which is what `reader` prints), or a prefix
        // of that printed end.
        let condition = "((id >= ?1 AND id < ?2) OR id LIKE ?3 ESCAPE '\\' OR (length(?4) <= 8 AND substr(id, 29) LIKE ?4 || '%' ESCAPE '\\')) AND coalesce(trashed, 0) = 0"
        let escaped = QueryCompiler.escapeLike(lower)
        let arguments: StatementArguments = [lower, lower + "~", "%" + escaped, escaped]
        let rows = try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table) WHERE \(condition) LIMIT 2", arguments: arguments)
        guard let first = rows.first else { throw StorageError.recordNotFound(kind: kind, reference: reference) }
        guard rows.count == 1 else {
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE \(condition)", arguments: arguments) ?? 2
            throw StorageError.ambiguousRecord(kind: kind, reference: reference, count: count)
        }
        return first
    }

    static func date(_ millis: Int64?) -> Date? {
        millis.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// A paper from a row that starts with ``paperColumns``, read by position.
    static func paper(row: Row) -> Paper { PaperRow(row: row).paper }

    static func note(row: Row) -> Note {
        Note(id: UUID(parsing: row["id"]) ?? UUID(uuid: UUID_NULL_BYTES),
             paperID: (row["paper_id"] as String?).flatMap(UUID.init(parsing:)) ?? UUID(uuid: UUID_NULL_BYTES),
             body: row["body"] ?? "",
             createdAt: date(row["created_at"]) ?? Date(timeIntervalSince1970: 0),
             updatedAt: date(row["updated_at"]) ?? Date(timeIntervalSince1970: 0),
             isTrashed: (row["trashed"] as Int64?) == 1,
             conflictOf: (row["conflict_of"] as String?).flatMap(UUID.init(parsing:)),
             title: row["title"])
    }

    static func highlight(row: Row) -> Highlight {
        Highlight(id: UUID(parsing: row["id"]) ?? UUID(uuid: UUID_NULL_BYTES),
                  paperID: (row["paper_id"] as String?).flatMap(UUID.init(parsing:)) ?? UUID(uuid: UUID_NULL_BYTES),
                  text: row["text"] ?? "",
                  page: row["page"], location: row["location"], comment: row["comment"],
                  createdAt: date(row["created_at"]) ?? Date(timeIntervalSince1970: 0),
                  updatedAt: date(row["updated_at"]) ?? Date(timeIntervalSince1970: 0),
                  isTrashed: (row["trashed"] as Int64?) == 1)
    }
}

let UUID_NULL_BYTES: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
