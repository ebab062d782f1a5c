import Foundation
import GRDB
import Model

extension Library {
    /// Calls `body` with every record (papers, notes, highlights, tags, memberships,
    /// and purged records as their tombstones) with each field's value and clock,
    /// sorted by entity then id. Streams: one record in memory at a time.
    ///
    /// - Parameter papers: when given, only these papers and what belongs to them
    ///   (no tombstones).
    public func forEachRecord(papers: Set<String>? = nil, _ body: (SyncRecord) throws -> Void) throws {
        try forEachStoredRecord(papers: papers, foreign: false) { entity, id, fields in
            guard let entity = Entity(rawValue: entity) else { return }
            try body(SyncRecord(entity: entity, id: id, fields: fields))
        }
    }

    /// Calls `body` with every record of the canonical dump: what
    /// ``forEachRecord(papers:_:)`` gives, plus the fields and records of kinds this
    /// version does not know (kept from newer clients), sorted by (entity, id).
    public func forEachCanonicalRecord(_ body: (_ entity: String, _ id: String, _ fields: [String: Stamped]) throws -> Void) throws {
        try forEachStoredRecord(papers: nil, foreign: true, body)
    }

    private func forEachStoredRecord(papers: Set<String>?, foreign: Bool,
                                     _ body: (String, String, [String: Stamped]) throws -> Void) throws {
        try read { db in
            var tagIDs: Set<String>?
            if let papers {
                var used: Set<String> = []
                let memberships = try Row.fetchCursor(db, sql: "SELECT paper_id, tag_id FROM paper_tag")
                while let row = try memberships.next() {
                    if let paper: String = row["paper_id"], papers.contains(paper), let tag: String = row["tag_id"] { used.insert(tag) }
                }
                tagIDs = used
            }
            var names = Set(Entity.allCases.map(\.rawValue))
            if foreign { names.formUnion(try String.fetchAll(db, sql: "SELECT DISTINCT entity FROM foreign_field")) }
            for name in names.sorted() {
                let entity = Entity(rawValue: name)
                // In id-index order. Letting SQLite sort a table scan instead (`ORDER BY +id`)
                // was measured slower at 100,000 papers: its sorter writes and reads the
                // whole table through temporary files (see docs/benchmarks.md).
                let rows = try entity.map { entity in
                    try Row.fetchCursor(db, sql: "\(StoredRecord.selectAll(entity)) ORDER BY id")
                }
                let tombstones = papers != nil ? nil : try Row.fetchCursor(db, sql: "SELECT id, hlc FROM tombstone WHERE entity = ? ORDER BY id", arguments: [name])
                let foreignRows = foreign ? try Row.fetchCursor(db, sql: "SELECT id, field, value, hlc FROM foreign_field WHERE entity = ? ORDER BY id, field", arguments: [name]) : nil
                var rowHead = try rows?.next(), tombHead = try tombstones?.next(), foreignHead = try foreignRows?.next()
                while true {
                    let candidates = [rowHead.map { $0[0] as String }, tombHead.map { $0[0] as String }, foreignHead.map { $0[0] as String }].compactMap { $0 }
                    guard let id = candidates.min() else { break }
                    var fields: [String: Stamped] = [:]
                    var keep = true
                    if let row = rowHead, (row[0] as String) == id, let entity {
                        if let papers {
                            switch entity {
                            case .paper: keep = papers.contains(id)
                            case .tag: keep = tagIDs?.contains(id) == true
                            default: keep = papers.contains((row["paper_id"] as String?) ?? "")
                            }
                        }
                        fields = try StoredRecord.syncRecord(row: row, entity: entity).fields
                        rowHead = try rows?.next()
                    }
                    if let row = tombHead, (row[0] as String) == id {
                        if let hlc = HLC(row[1] as String) { fields[Entity.purgedField] = Stamped(.bool(true), at: hlc) }
                        tombHead = try tombstones?.next()
                    }
                    while let row = foreignHead, (row[0] as String) == id {
                        if let hlc = HLC(row[3] as String) { fields[row[1]] = Stamped(try JSONValue(parsing: row[2] as String), at: hlc) }
                        foreignHead = try foreignRows?.next()
                    }
                    if keep, !fields.isEmpty { try body(name, id, fields) }
                }
            }
        }
    }

    /// The ids of the papers a query matches, for a filtered export.
    public func paperIDs(_ query: SearchQuery) throws -> Set<String> {
        var ids: Set<String> = []
        try forEachPaperRow(query) { ids.insert($0) }
        return ids
    }

    private func forEachPaperRow(_ query: SearchQuery, _ body: (String) -> Void) throws {
        try read { db in
            let (sql, arguments) = QueryCompiler(query).select("p.id")
            let cursor = try String.fetchCursor(db, sql: sql, arguments: arguments)
            while let id = try cursor.next() { body(id) }
        }
    }

    /// Merges stamped records in one transaction, last writer wins per field:
    /// how a backup is restored and how sync applies what it receives.
    /// Nothing is written if any record is invalid.
    @discardableResult
    public func merge(_ records: some Sequence<SyncRecord>) throws -> MergeReport {
        try merge { emit in
            for record in records { try emit(record) }
        }
    }

    /// Merges the records that `produce` emits, in one transaction; if `produce`
    /// or any record fails, nothing is written. Lets a reader parse while the
    /// library stores, without holding every record in memory first.
    ///
    /// ```swift
    /// try library.merge { emit in try ReaderBackup.forEachRecord(in: data, file: path, emit) }
    /// ```
    /// With `dryRun`, reports what the merge would do and stores nothing.
    @discardableResult
    public func merge(dryRun: Bool = false, _ produce: ((SyncRecord) throws -> Void) throws -> Void) throws -> MergeReport {
        try write(dryRun: dryRun) { writer in
            var report = MergeReport()
            try produce { record in
                try Library.checkRecordID(record.entity.rawValue, record.id)
                switch try writer.merge(record) {
                case .created: report.created += 1
                case .updated: report.updated += 1
                case .unchanged: report.unchanged += 1
                }
            }
            return report
        }
    }

    /// Restores what a backup holds, in one transaction: records merge field by
    /// field (last writer wins, purges absorb), fields of kinds this version does
    /// not know are kept as they are, and text histories are added (an entry
    /// already there is not added twice). If anything fails, nothing is written.
    ///
    /// ```swift
    /// try library.restore { emit in try ReaderBackup.forEachItem(in: data, file: path, emit) }
    /// ```
    @discardableResult
    public func restore(dryRun: Bool = false, _ produce: ((BackupItem) throws -> Void) throws -> Void) throws -> MergeReport {
        try write(dryRun: dryRun) { writer in
            var report = MergeReport()
            var lastForeign: (entity: String, id: String, changed: Bool)?
            func closeForeign() {
                if let last = lastForeign { if last.changed { report.updated += 1 } else { report.unchanged += 1 } }
                lastForeign = nil
            }
            try produce { item in
                switch item {
                case .record(let record):
                    closeForeign()
                    try Library.checkRecordID(record.entity.rawValue, record.id)
                    switch try writer.merge(record) {
                    case .created: report.created += 1
                    case .updated([Entity.purgedField]): report.purged += 1
                    case .updated: report.updated += 1
                    case .unchanged: report.unchanged += 1
                    }
                case .foreignField(let entity, let id, let field, let stamped):
                    try Library.checkRecordID(entity, id)
                    let changed = try Library.mergeForeign(writer, entity: entity, id: id, field: field, stamped)
                    // A field a newer version added to a known record is counted with it.
                    if Entity(rawValue: entity) != nil { return }
                    if let last = lastForeign, last.entity == entity, last.id == id {
                        lastForeign?.changed = last.changed || changed
                    } else {
                        closeForeign()
                        lastForeign = (entity, id, changed)
                    }
                case .history(let entry):
                    closeForeign()
                    if try writer.addHistory(entry) { report.histories += 1 }
                }
            }
            closeForeign()
            return report
        }
    }

    /// Restores backup items already read (see ``restore(dryRun:_:)``).
    @discardableResult
    public func restore(_ items: some Sequence<BackupItem>) throws -> MergeReport {
        try restore { emit in
            for item in items { try emit(item) }
        }
    }

    /// Refuses a record id that is not a lower-case UUID.
    static func checkRecordID(_ entity: String, _ id: String) throws {
        guard UUID(parsing: id) != nil, id == id.lowercased() else {
            throw StorageError.invalidRecord(entity: entity, id: id, reason: "the id is not a lower-case UUID")
        }
    }

    /// Calls `body` with every earlier text of notes and highlights, oldest first.
    public func forEachTextHistory(_ body: (TextHistoryEntry) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT entity, id, field, text, hlc, replaced_at, reason FROM text_history ORDER BY seq")
            while let row = try rows.next() {
                try body(TextHistoryEntry(entity: row[0], id: row[1], field: row[2], text: row[3], hlc: (row[4] as String?).flatMap(HLC.init),
                                          replacedAtMillis: row[5], reason: row[6]))
            }
        }
    }

    /// The number of records with changes waiting to be sent.
    public func pendingChangeCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0 }
    }

    /// The field changes waiting in the outbox after `seq`, oldest first: what a
    /// sync engine sends. Each change carries the field's current value and clock.
    public func pendingChanges(after seq: Int64 = 0, limit: Int = 500) throws -> [(seq: Int64, change: FieldChange)] {
        try read { db in
            var result: [(Int64, FieldChange)] = []
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT seq, entity, id, fields FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?"), arguments: [seq, limit]) {
                let fields = (row[3] as String).split(separator: ",").map(String.init)
                for change in try Library.outboxChanges(db, entity: row[1], id: row[2], fields: fields) { result.append((row[0], change)) }
            }
            return result
        }
    }
}
