import GRDB
import Model

extension ChangeWriter {
    /// A citation key no other paper has (compared without case, as BibTeX does):
    /// the source's key when usable and free, else the first free one of
    /// ``Model/CiteKey/candidates(for:)`` for the paper's metadata.
    static func freeCiteKey(_ db: Database, preferring sourceKey: String?, authors: [String], year: Int?, title: String) throws -> String {
        if let sourceKey, CiteKey.isUsable(sourceKey), try !isCiteKeyTaken(db, sourceKey) { return sourceKey }
        for candidate in CiteKey.candidates(for: CiteKey.base(authors: authors, year: year, title: title)) {
            if try !isCiteKeyTaken(db, candidate) { return candidate }
        }
        preconditionFailure("an endless sequence of candidates ended")
    }

    /// The source's key when it is usable and no other paper has it.
    func freeSourceKey(_ sourceKey: String?) throws -> String? {
        guard let sourceKey, CiteKey.isUsable(sourceKey), try !Self.isCiteKeyTaken(db, sourceKey) else { return nil }
        return sourceKey
    }

    static func isCiteKeyTaken(_ db: Database, _ key: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM paper WHERE cite_key = ? COLLATE NOCASE LIMIT 1"), arguments: [key]) == true
    }

    /// Gives the paper a key when it has none: the source's when `sourceKey` is
    /// usable and free; else, when `generating`, the first free generated one.
    /// Returns whether it got one.
    @discardableResult
    func assignCiteKey(to paperID: String, preferring sourceKey: String? = nil, generating: Bool) throws -> Bool {
        guard let current = try load(.paper, id: paperID), current.values["cite_key"]?.stringValue == nil else { return false }
        if let key = try freeSourceKey(sourceKey) { return try set(.paper, id: paperID, ["cite_key": .string(key)]) }
        guard generating else { return false }
        let authors = current.values["authors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let year = current.values["year"]?.intValue.map { Int($0) }
        let key = try Self.freeCiteKey(db, preferring: nil, authors: authors, year: year, title: current.values["title"]?.stringValue ?? "")
        return try set(.paper, id: paperID, ["cite_key": .string(key)])
    }
}

extension Library {
    /// Gives every paper without a citation key (of `papers`, or of the whole
    /// library) its key, in the order papers were added, and returns how many got one.
    ///
    /// A paper keeps the key its source gave it from the start; a generated key is
    /// provisional until the paper is first exported (``Model/PaperDetail/provisionalCiteKey``),
    /// so that a key made before `refresh` filled the authors does not stick.
    /// Exports to BibTeX, BibLaTeX, CSL-JSON and RIS call this first.
    @discardableResult
    public func assignCiteKeys(papers: Set<String>? = nil) throws -> Int {
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
            for id in ids where papers?.contains(id) ?? true {
                if try writer.assignCiteKey(to: id, generating: true) { count += 1 }
            }
            return count
        }
    }
}
