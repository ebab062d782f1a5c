import Foundation
import GRDB
import Model

extension Library {
    /// Checks the database file, the search index, the clocks and the changes set
    /// aside from sync; with `repair`, rebuilds a search index that disagrees with
    /// the data and stamps fields whose clocks are before 2000 again (so that they
    /// sync: ``Model/FieldRules``).
    public func checkHealth(repair: Bool) throws -> DoctorReport {
        let integrity = try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        let ftsOK = try searchIndexIsConsistent()
        var repaired = false
        if !ftsOK, repair {
            try dbQueue.write { db in try Library.rebuildSearchIndex(db) }
            repaired = try searchIndexIsConsistent()
        }
        let badClocks = try restampBadClocks(dryRun: !repair)
        let held = try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_held") ?? 0 }
        let missingClocks = try read { db in
            try Entity.allCases.reduce(0) { sum, entity in
                sum + (try Int.fetchOne(db, sql: "SELECT count(*) FROM \(entity.table) WHERE json_valid(clocks) = 0 OR clocks = '{}'") ?? 0)
            }
        }
        let tagCountsOK = try read(TagCounts.isConsistent)
        var tagCountsRepaired = false
        if !tagCountsOK, repair {
            try dbQueue.write(TagCounts.rebuild)
            tagCountsRepaired = try read(TagCounts.isConsistent)
        }
        return DoctorReport(databaseOK: integrity == ["ok"], databaseProblems: integrity == ["ok"] ? [] : integrity,
                            searchIndexOK: ftsOK, searchIndexRepaired: repaired, recordsWithoutClocks: missingClocks,
                            fieldsWithBadClocks: badClocks, badClocksRepaired: repair, changesSetAside: held,
                            tagCountsOK: tagCountsOK, tagCountsRepaired: tagCountsRepaired)
    }

    /// Fields (and purges) stamped before 2000-01-01, which no server accepts: how
    /// many there are, and unless `dryRun`, each stamped again with a new clock and
    /// queued for sync (which releases it if it was set aside), in one transaction.
    func restampBadClocks(dryRun: Bool) throws -> Int {
        try write(dryRun: dryRun) { writer in
            var count = 0
            for entity in Entity.allCases {
                let rows = try Row.fetchAll(writer.db, sql: "SELECT id, clocks FROM \(entity.table)")
                for row in rows {
                    var clocks = StoredRecord.decodeClocks(row[1])
                    let bad = clocks.filter { FieldRules.clockProblem($0.value) != nil }.keys.sorted()
                    guard !bad.isEmpty else { continue }
                    count += bad.count
                    // Counting needs no clock (and this machine's may be the bad one).
                    guard !dryRun else { continue }
                    let hlc = try writer.stamp()
                    for name in bad { clocks[name] = hlc }
                    let id: String = row[0]
                    try writer.db.execute(sql: "UPDATE \(entity.table) SET clocks = ? WHERE id = ?", arguments: [StoredRecord.encodeClocks(clocks), id])
                    try writer.queue(entity, id: id, fields: bad, isNew: false)
                }
            }
            for row in try Row.fetchAll(writer.db, sql: "SELECT entity, id, hlc FROM tombstone") {
                guard let entity = Entity(rawValue: row[0]), let old = HLC(row[2] as String), FieldRules.clockProblem(old) != nil else { continue }
                count += 1
                guard !dryRun else { continue }
                let id: String = row[1]
                try writer.db.execute(sql: "UPDATE tombstone SET hlc = ? WHERE entity = ? AND id = ?", arguments: [try writer.stamp().description, entity.rawValue, id])
                try writer.queue(entity, id: id, fields: [Entity.purgedField], isNew: true)
            }
            return count
        }
    }

    /// Indexes every paper again, in one statement.
    static func rebuildSearchIndex(_ db: Database) throws {
        // FTS5's own 'rebuild' fails on this view with SQLite 3.40 ("SQL logic
        // error"); emptying the index and re-adding every row is equivalent.
        try indexingInBulk(db) {
            try db.execute(sql: """
                INSERT INTO paper_fts(paper_fts) VALUES ('delete-all');
                INSERT INTO paper_fts(rowid, \(Schema.searchColumns))
                SELECT rowid, \(Schema.searchColumns) FROM paper_search_source ORDER BY rowid;
                """)
        }
    }

    /// Runs `body`, which indexes many papers at once, with a larger FTS5 buffer.
    ///
    /// FTS5 keeps up to `hashsize` bytes of terms in memory before it writes a
    /// segment: 32 MiB instead of 1 MiB while many papers are indexed means far
    /// fewer segments to merge (7.1 s to 5.4 s for 100,000 papers, sqlite3 CLI;
    /// an import of 100,000 BibTeX entries indexes them in 5.5 s instead of 7.8 s).
    static func indexingInBulk(_ db: Database, _ body: () throws -> Void) throws {
        try db.execute(sql: "INSERT INTO paper_fts(paper_fts, rank) VALUES ('hashsize', 33554432)")
        try body()
        try db.execute(sql: "INSERT INTO paper_fts(paper_fts, rank) VALUES ('hashsize', 1048576)")
    }

    /// Rebuilds the search index if a first sync left it to be rebuilt (the sync
    /// does it at its end; a library opened after an interrupted one does it then).
    /// Returns whether it rebuilt.
    @discardableResult
    public func rebuildSearchIndexIfDeferred() throws -> Bool {
        try dbQueue.write { db in
            guard try Schema.meta(db, Schema.searchIndexDeferredKey) != nil else { return false }
            // What a builder left when its sync was cut short.
            SearchIndexBuilder.removeScratch(at: SearchIndexBuilder.scratchPath(of: self))
            try Library.rebuildSearchIndex(db)
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [Schema.searchIndexDeferredKey])
            return true
        }
    }

    /// Whether the FTS index holds exactly the text of the search view: FTS5's own
    /// integrity check compares the index with its content, row by row.
    public func searchIndexIsConsistent() throws -> Bool {
        // FTS5's integrity-check is issued as an INSERT, so it needs a write transaction
        // (it changes nothing).
        try dbQueue.write { db in
            let indexed = try Int.fetchOne(db, sql: "SELECT count(*) FROM paper_fts_docsize") ?? -1
            let papers = try Int.fetchOne(db, sql: "SELECT count(*) FROM paper") ?? -2
            guard indexed == papers else { return false }
            return try Library.indexMatchesContent(db, table: "paper_fts")
        }
    }

    /// FTS5's own integrity check of an external-content index against its content.
    /// It is issued as an INSERT, so `db` must be in a write transaction (it changes nothing).
    static func indexMatchesContent(_ db: Database, table: String) throws -> Bool {
        // SQLite 3.44+ compares an external-content index with its content only
        // when asked with rank = 1; older versions reject that form and always compare.
        for sql in ["INSERT INTO \(table)(\(table), rank) VALUES ('integrity-check', 1)",
                    "INSERT INTO \(table)(\(table)) VALUES ('integrity-check')"] {
            do {
                try db.execute(sql: sql)
                return true
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
                return false
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
                continue
            }
        }
        return false
    }

    /// Counts of papers, statuses, tags, notes and highlights.
    public func stats() throws -> LibraryStats {
        try read { db in
            let byStatus = try Library.countsByStatus(db)
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            return LibraryStats(
                papers: byStatus.values.reduce(0, +),
                byStatus: byStatus,
                trashed: try count("SELECT count(*) FROM paper WHERE trashed = 1"),
                tags: try Library.tagCounts(db).count,
                notes: try count("SELECT count(*) FROM note WHERE coalesce(trashed, 0) = 0"),
                highlights: try count("SELECT count(*) FROM highlight WHERE coalesce(trashed, 0) = 0"),
                withCode: try count("SELECT count(*) FROM paper WHERE coalesce(trashed, 0) = 0 AND coalesce(code_url, '') <> ''"),
                fileBytes: size
            )
        }
    }

    /// Copies the library to a new file with SQLite's online backup, safe while
    /// other processes use the library. The copy gets its own node id, so that it
    /// can never stamp clocks as this copy.
    ///
    /// The copy's file store is empty unless `withFiles`: then every file of this
    /// machine is copied beside it (`<destination>.files`), checked against its hash,
    /// and the copy knows exactly the files it has.
    public func backup(to destination: String, withFiles: Bool = false) throws {
        if FileManager.default.fileExists(atPath: destination) {
            throw StorageError.backupTargetExists(path: destination)
        }
        let target: DatabaseQueue
        do {
            target = try DatabaseQueue(path: destination)
        } catch let error as DatabaseError {
            throw StorageError.cannotOpen(path: destination, reason: error.message ?? error.description)
        }
        try dbQueue.backup(to: target)
        try target.write { db in
            try Schema.setMeta(db, "node_id", NodeID.random().description)
        }
        var copied: [String] = []
        if withFiles {
            let targetStore = FileStore(libraryPath: destination)
            for hash in try localFiles().keys.sorted() where files.contains(hash) {
                let stored = try targetStore.store(copying: files.path(of: hash))
                if stored.hash == hash {
                    copied.append(hash.hex)
                } else {
                    // Damaged here: not copied (`reader doctor` finds it).
                    targetStore.remove(stored.hash)
                }
            }
        }
        try target.write { db in
            let keep = Set(copied)
            for hash in try String.fetchAll(db, sql: "SELECT sha256 FROM local_file") where !keep.contains(hash) {
                try db.execute(sql: "DELETE FROM local_file WHERE sha256 = ?", arguments: [hash])
            }
        }
        try target.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try target.close()
    }

    /// For tests: removes one paper's index entry, as corruption would.
    func damageSearchIndex(paperID: UUID) throws {
        try dbQueue.write { db in
            try db.execute(sql: """
                INSERT INTO paper_fts(paper_fts, rowid, \(Schema.searchColumns))
                SELECT 'delete', rowid, \(Schema.searchColumns) FROM paper_search_source
                WHERE rowid = (SELECT rowid FROM paper WHERE id = ?)
                """, arguments: [paperID.lowercased])
        }
    }
}
