import GRDB
import Model

extension ChangeWriter {
    /// A citation key no other paper has (compared without case, as BibTeX does):
    /// the source's key when usable and free, else the first free one of
    /// ``Model/CiteKey/candidates(for:)`` for the paper's metadata.
    func freeCiteKey(preferring sourceKey: String?, authors: [String], year: Int?, title: String) throws -> String {
        if let sourceKey, CiteKey.isUsable(sourceKey), try !isCiteKeyTaken(sourceKey) { return sourceKey }
        for candidate in CiteKey.candidates(for: CiteKey.base(authors: authors, year: year, title: title)) {
            if try !isCiteKeyTaken(candidate) { return candidate }
        }
        preconditionFailure("an endless sequence of candidates ended")
    }

    func isCiteKeyTaken(_ key: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM paper WHERE cite_key = ? COLLATE NOCASE LIMIT 1"), arguments: [key]) == true
    }

    /// Gives the paper a key when it has none. Returns whether it got one.
    @discardableResult
    func assignCiteKey(to paperID: String, preferring sourceKey: String? = nil) throws -> Bool {
        guard let current = try load(.paper, id: paperID), current.values["cite_key"]?.stringValue == nil else { return false }
        let authors = current.values["authors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let year = current.values["year"]?.intValue.map { Int($0) }
        let key = try freeCiteKey(preferring: sourceKey, authors: authors, year: year, title: current.values["title"]?.stringValue ?? "")
        return try set(.paper, id: paperID, ["cite_key": .string(key)])
    }
}

extension Library {
    /// Gives every paper without a citation key its key, in the order papers were
    /// added, and returns how many got one.
    ///
    /// Papers get their key when they are added; this completes papers from
    /// libraries made before keys existed, or received from a replica that had none.
    /// Exports to BibTeX, BibLaTeX, CSL-JSON and RIS call it first.
    @discardableResult
    public func assignCiteKeys() throws -> Int {
        let missing = try read { db in
            // Counted from indexes: the partial key index holds every paper with a key.
            try Int.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM paper) - (SELECT count(*) FROM paper INDEXED BY paper_by_cite_key WHERE cite_key IS NOT NULL)
                """) ?? 0
        }
        guard missing > 0 else { return 0 }
        return try write { writer in
            let ids = try String.fetchAll(writer.db, sql: "SELECT id FROM paper WHERE cite_key IS NULL ORDER BY added_at, id")
            var count = 0
            for id in ids where try writer.assignCiteKey(to: id) { count += 1 }
            return count
        }
    }
}
