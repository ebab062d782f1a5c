import Foundation
import GRDB
import Model

/// The one write path: every change to user data goes through a `ChangeWriter`.
///
/// Within the caller's transaction it:
/// 1. applies the change to the record's row;
/// 2. stamps each changed field with an HLC and keeps it in the row's `clocks`;
/// 3. queues the record's changed fields in the `outbox` for sync;
/// 4. keeps the full-text index exact for every paper whose text changed;
/// 5. persists the clock, so it never goes backwards across processes.
///
/// Local edits use ``set(_:id:_:)``, which stamps with a new clock; backups and
/// sync use ``merge(_:)``, which keeps each incoming field whose clock is newer
/// (last writer wins) and ratchets the local clock past it.
final class ChangeWriter {
    let db: Database
    /// The wall time of this transaction, in milliseconds since 1970.
    let wallMillis: UInt64
    var clock: HybridClock
    private let initialClock: HLC
    /// Papers whose index entry was removed in this transaction and must be re-added.
    private var unindexed: Set<String> = []
    private var unindexedOrder: [String] = []
    /// Papers inserted in this transaction have rowids from this one on; they are
    /// indexed together at ``finish()`` without being listed one by one.
    private var newPapersFrom: Int64?
    private var random = SystemRandomNumberGenerator()
    /// Whether changes are queued in the outbox. Sync turns it off while it applies
    /// what it pulled: those changes came from the server and go nowhere.
    var queueing = true
    /// While a restored library resyncs: fields whose local clock beats the pulled
    /// one are queued again, so that the server gets them.
    var requeueLosing = false
    /// While a first sync fills the library, the search index is left alone and
    /// rebuilt once at the end (``Library/rebuildSearchIndexIfDeferred()``).
    var searchIndexDeferred = false
    /// Where tests inject crashes.
    let crashPoints: CrashPoints?

    /// - Parameter wallMillis: this machine's clock; the offset to the server's
    ///   clock that the last sync measured (`meta`) corrects it.
    init(db: Database, wallMillis: UInt64, crashPoints: CrashPoints? = nil) throws {
        self.db = db
        self.crashPoints = crashPoints
        let offset = try Schema.meta(db, SyncMeta.offset.rawValue).flatMap { Int64($0) } ?? 0
        self.wallMillis = Library.corrected(wallMillis, by: offset)
        let node = try Schema.nodeID(db)
        let last = try Schema.meta(db, "hlc").flatMap(HLC.init)
        clock = HybridClock(node: node, last: last)
        initialClock = clock.last
        searchIndexDeferred = try Schema.meta(db, Schema.searchIndexDeferredKey) != nil
    }

    /// A new clock for a local edit. A machine whose clock is before 2000 (a board
    /// without a clock battery) cannot stamp: its edits would be refused by every
    /// server (``Model/FieldRules``), so the edit is refused here, naming the clock.
    func stamp() throws -> HLC {
        let hlc = clock.now(wallMillis: wallMillis)
        if FieldRules.clockProblem(hlc) != nil {
            clock = HybridClock(node: clock.node, last: initialClock)
            throw StorageError.clockBeforeYear2000(wallMillis: wallMillis)
        }
        return hlc
    }

    /// A new time-ordered id for a note or highlight.
    func newID() -> String {
        StableID.uuid7(millis: wallMillis, using: &random).lowercased
    }

    /// The current values and clocks of a record, or nil when it does not exist.
    func load(_ entity: Entity, id: String) throws -> StoredRecord? {
        try StoredRecord.fetch(db, entity: entity, id: id)
    }

    /// Sets fields of a record as a local edit. Fields whose value does not change
    /// are left alone; the others share one new clock. Returns whether anything changed.
    ///
    /// With `stampingTogether`, fields that belong together (a paper's status, read
    /// date and rating) are all stamped with the one clock whenever any of them
    /// changes, so that last writer wins decides them as a group on every replica.
    ///
    /// With `knownNew`, the caller has just found that the record neither exists
    /// nor was purged (an import's new paper): it is not looked up again.
    @discardableResult
    func set(_ entity: Entity, id: String, _ values: [String: JSONValue], stampingTogether: Bool = false, knownNew: Bool = false) throws -> Bool {
        if !knownNew, try purgeClock(entity, id: id) != nil {
            throw StorageError.invalidRecord(entity: entity.rawValue, id: id, reason: "it was purged and cannot change")
        }
        let current = knownNew ? nil : try load(entity, id: id)
        var changed: [String: JSONValue] = [:]
        var validated: [String: JSONValue] = [:]
        for (name, value) in values {
            let value = try Self.validated(entity, name, value)
            validated[name] = value
            let old = current?.values[name]
            if old == value, current?.clocks[name] != nil { continue }
            if old == nil, value == .null, current?.clocks[name] == nil, current != nil { continue }
            changed[name] = value
        }
        guard !changed.isEmpty else { return false }
        if stampingTogether { changed = validated }
        let hlc = try stamp()
        for (name, value) in changed where entity.isMergedText(name) {
            if let old = current?.values[name], old != .null, old != value {
                try keepHistory(entity, id: id, field: name, text: old, hlc: current?.clocks[name], reason: "edited")
            }
        }
        try store(entity, id: id, current: current, updates: changed.mapValues { Stamped($0, at: hlc) })
        return true
    }

    /// Purges a record as a local edit: its row goes, a tombstone with a new clock
    /// stays, and the purge is queued. Nothing else of it can change afterwards.
    func purge(_ entity: Entity, id: String) throws {
        guard entity.isPurgeable else {
            throw StorageError.invalidRecord(entity: entity.rawValue, id: id, reason: "a \(entity) cannot be purged")
        }
        guard try purgeClock(entity, id: id) == nil else { return }
        let hlc = try stamp()
        try applyPurge(entity, id: id, hlc: hlc)
    }

    /// The clock of a record's purge, when it was purged.
    func purgeClock(_ entity: Entity, id: String) throws -> HLC? {
        // Most libraries have purged nothing: ask once per transaction whether any
        // tombstone exists rather than once per record.
        if hasTombstones == nil {
            hasTombstones = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM tombstone)")) ?? true
        }
        guard hasTombstones == true else { return nil }
        return try String.fetchOne(db.cachedStatement(sql: "SELECT hlc FROM tombstone WHERE entity = ? AND id = ?"),
                                   arguments: [entity.rawValue, id]).flatMap(HLC.init)
    }

    /// Whether the library has any tombstone (nil: not asked yet in this transaction).
    private var hasTombstones: Bool?
    /// Tags to count again at ``finish()``; nil: every tag.
    private var tagsToRecount: Set<String>? = []
    /// Rows written in this transaction that may change tag counts.
    private var tagCountRows = 0
    /// Whether any change is set aside from sync (nil: not asked yet in this transaction).
    private var hasHeldChanges: Bool?

    /// Stores a purge: deletes the row (and its search text), keeps the latest
    /// purge clock, and queues the purge in place of any pending change of the record.
    private func applyPurge(_ entity: Entity, id: String, hlc: HLC) throws {
        if let existing = try purgeClock(entity, id: id) {
            guard FieldRules.purgeAbsorbs(purgedAt: existing, field: Entity.purgedField, hlc: hlc) == .takeIncoming else { return }
            try db.cachedStatement(sql: "UPDATE tombstone SET hlc = ? WHERE entity = ? AND id = ?")
                .execute(arguments: [hlc.description, entity.rawValue, id])
        } else {
            if let current = try load(entity, id: id) {
                for paperID in try indexedPapers(affectedBy: entity, id: id, current: current, updates: [:]) {
                    try unindex(paperID, mayBeIndexed: true)
                }
                for (name, value) in current.values where entity.isMergedText(name) && value != .null {
                    try keepHistory(entity, id: id, field: name, text: value, hlc: current.clocks[name], reason: "purged")
                }
                if entity == .paper { try tagCountsMayChange(ofPaper: id) }
                if entity == .paperTag { tagCountsMayChange(tags: [current.values["tag_id"]]) }
                try db.cachedStatement(sql: "DELETE FROM \(entity.table) WHERE id = ?").execute(arguments: [id])
                if entity == .paper, let from = newPapersFrom {
                    // SQLite gives the next paper the largest rowid + 1, which may be the
                    // one just freed: papers indexed at `finish()` start there now.
                    let next = try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(rowid), 0) + 1 FROM paper")) ?? 1
                    newPapersFrom = min(from, next)
                }
            }
            try db.cachedStatement(sql: "INSERT INTO tombstone (entity, id, hlc) VALUES (?, ?, ?)")
                .execute(arguments: [entity.rawValue, id, hlc.description])
            hasTombstones = true
            try db.cachedStatement(sql: "DELETE FROM text_base WHERE entity = ? AND id = ?").execute(arguments: [entity.rawValue, id])
            try db.cachedStatement(sql: "DELETE FROM foreign_field WHERE entity = ? AND id = ?").execute(arguments: [entity.rawValue, id])
        }
        guard queueing else { return }
        try db.cachedStatement(sql: "DELETE FROM outbox WHERE entity = ? AND id = ?").execute(arguments: [entity.rawValue, id])
        try queue(entity, id: id, fields: [Entity.purgedField], isNew: true)
    }

    /// Keeps a text that is being replaced, so that no typed line is ever lost.
    func keepHistory(_ entity: Entity, id: String, field: String, text: JSONValue, hlc: HLC?, reason: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO text_history (entity, id, field, text, hlc, replaced_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [entity.rawValue, id, field, text.stringValue, hlc?.description, Int64(wallMillis), reason])
    }

    /// Adds a restored history entry unless the same entry is there. Returns whether it was added.
    func addHistory(_ entry: TextHistoryEntry) throws -> Bool {
        let exists = try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM text_history WHERE entity = ? AND id = ? AND field = ? AND text IS ? AND hlc IS ? AND replaced_at = ? AND reason = ?)
            """), arguments: [entry.entity, entry.id, entry.field, entry.text, entry.hlc?.description, entry.replacedAtMillis, entry.reason]) ?? false
        guard !exists else { return false }
        try db.cachedStatement(sql: """
            INSERT INTO text_history (entity, id, field, text, hlc, replaced_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [entry.entity, entry.id, entry.field, entry.text, entry.hlc?.description, entry.replacedAtMillis, entry.reason])
        return true
    }

    /// What a merge did to one record.
    enum MergeOutcome: Equatable {
        /// The record did not exist; all its fields were stored.
        case created
        /// These fields had older clocks and were replaced.
        case updated([String])
        /// Every field was already as new or newer.
        case unchanged
    }

    /// Merges a stamped record: each field whose clock is newer than the stored
    /// one wins. Values are stored as received (the writer normalized them), so
    /// that every replica holds the same bytes.
    @discardableResult
    func merge(_ record: SyncRecord, overriding: Set<String> = []) throws -> MergeOutcome {
        for (name, stamped) in record.fields {
            clock.receive(stamped.hlc)
            if name == Entity.purgedField {
                guard record.entity.isPurgeable, stamped.value == .bool(true) else {
                    throw StorageError.invalidRecord(entity: record.entity.rawValue, id: record.id, reason: "'purged' must be true, on a paper, note or highlight")
                }
                continue
            }
            try Self.check(record.entity, name, stamped.value, id: record.id)
        }
        guard !record.fields.isEmpty else { return .unchanged }
        if let purge = record.fields[Entity.purgedField] {
            let before = try purgeClock(record.entity, id: record.id)
            try applyPurge(record.entity, id: record.id, hlc: purge.hlc)
            return before == nil ? .updated([Entity.purgedField]) : .unchanged
        }
        if try purgeClock(record.entity, id: record.id) != nil { return .unchanged }
        // Most merged records are new (a restore, a first sync): try to insert
        // first, and read the stored record only when it exists.
        if try insertIfNew(record.entity, id: record.id, fields: record.fields) { return .created }
        let current = try load(record.entity, id: record.id)
        var winners: [String: Stamped] = [:]
        var losers: [String] = []
        for (name, stamped) in record.fields {
            if !overriding.contains(name), let stored = current?.clocks[name],
               FieldRules.lastWriterWins(stored: Stamped(current?.values[name] ?? .null, at: stored), incoming: stamped) != .takeIncoming {
                if requeueLosing, stamped.hlc < stored { losers.append(name) }
                continue
            }
            if overriding.contains(name), current?.clocks[name] == stamped.hlc, current?.values[name] == stamped.value { continue }
            winners[name] = stamped
        }
        if !losers.isEmpty {
            try withQueueing { try queue(record.entity, id: record.id, fields: losers.sorted(), isNew: false) }
        }
        guard !winners.isEmpty else { return .unchanged }
        for name in overriding where winners[name] != nil {
            if let old = current?.values[name], old != .null, old != winners[name]?.value {
                try keepHistory(record.entity, id: record.id, field: name, text: old, hlc: current?.clocks[name], reason: "replaced by sync")
            }
        }
        try store(record.entity, id: record.id, current: current, updates: winners)
        return .updated(winners.keys.sorted())
    }

    /// Re-adds the index entries of the papers this transaction touched, in one
    /// statement, and saves the clock. Called once, just before the commit.
    ///
    /// `CROSS JOIN` makes SQLite start from the few papers to re-index instead of
    /// scanning every paper id. One statement matters: FTS5 flushes its pending terms into a new segment at
    /// every statement that writes it, so re-indexing papers one statement at a time
    /// is several times slower than doing them all at once.
    func finish() throws {
        if searchIndexDeferred {
            newPapersFrom = nil
            unindexed.removeAll()
            unindexedOrder.removeAll()
        }
        if let newPapersFrom {
            let index = {
                try self.db.cachedStatement(sql: """
                    INSERT INTO paper_fts(rowid, \(Schema.searchColumns))
                    SELECT rowid, \(Schema.searchColumns) FROM paper_search_source WHERE rowid >= ? ORDER BY rowid
                    """).execute(arguments: [newPapersFrom])
            }
            let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(rowid), 0) FROM paper")) ?? 0
            // An import of thousands of papers; a command's one new paper costs no settings written.
            if last - newPapersFrom >= Self.bulkIndexing { try Library.indexingInBulk(db, index) } else { try index() }
            self.newPapersFrom = nil
        }
        if !unindexedOrder.isEmpty {
            // Cached statements: compiling the insert (the search view and its
            // subqueries) cost more than running it for the few papers of a command.
            try db.cachedStatement(sql: "CREATE TEMP TABLE IF NOT EXISTS reindex (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID").execute()
            let add = try db.cachedStatement(sql: "INSERT OR IGNORE INTO temp.reindex (id) VALUES (?)")
            for paperID in unindexedOrder { try add.execute(arguments: [paperID]) }
            try db.cachedStatement(sql: """
                INSERT INTO paper_fts(rowid, \(Schema.searchColumns))
                SELECT rowid, \(Schema.searchColumns) FROM paper_search_source
                WHERE rowid IN (SELECT p.rowid FROM temp.reindex r CROSS JOIN paper p ON p.id = r.id) ORDER BY rowid
                """).execute()
            try db.cachedStatement(sql: "DELETE FROM temp.reindex").execute()
        }
        unindexed.removeAll()
        unindexedOrder.removeAll()
        if let tags = tagsToRecount {
            try TagCounts.recount(db, tags: tags)
        } else {
            try TagCounts.rebuild(db)
        }
        tagsToRecount = []
        tagCountRows = 0
        if clock.last != initialClock {
            try Schema.setMeta(db, "hlc", clock.last.description)
        }
    }

    // MARK: - Storing

    private func store(_ entity: Entity, id: String, current: StoredRecord?, updates: [String: Stamped]) throws {
        switch entity {
        case .paperTag:
            tagCountsMayChange(tags: [current?.values["tag_id"], updates["tag_id"]?.value])
        case .paper where current == nil || updates["trashed"] != nil:
            try tagCountsMayChange(ofPaper: id)
        default: break
        }
        for paperID in try indexedPapers(affectedBy: entity, id: id, current: current, updates: updates) {
            if entity == .paper && current == nil {
                try willInsertPaper(paperID)
            } else {
                try unindex(paperID, mayBeIndexed: true)
            }
        }
        var clocks = current?.clocks ?? [:]
        for (name, stamped) in updates { clocks[name] = stamped.hlc }
        let (columns, arguments) = Self.columns(entity, updates: updates, clocks: clocks, changedAt: current?.changedAt)
        if current == nil {
            let sql = "INSERT INTO \(entity.table) (id, \(columns.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: columns.count)))"
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments([id] + arguments))
        } else {
            let sql = "UPDATE \(entity.table) SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments + [id]))
        }
        if queueing { try crashPoints?.pass(.afterLocalWriteBeforeOutbox) }
        try queue(entity, id: id, fields: updates.keys.sorted(), isNew: current == nil)
    }

    /// Inserts a record that does not exist yet; returns false, changing nothing
    /// but the search index bookkeeping, when it exists.
    private func insertIfNew(_ entity: Entity, id: String, fields: [String: Stamped]) throws -> Bool {
        // A new note, highlight or membership changes its paper's search text:
        // take the paper out of the index first (a new paper has nothing to take out).
        let papers = try indexedPapers(affectedBy: entity, id: id, current: nil, updates: fields)
        if entity != .paper {
            for paperID in papers { try unindex(paperID, mayBeIndexed: true) }
        }
        if entity == .paper { try startNewPapers() }
        if entity == .paperTag { tagCountsMayChange(tags: [fields["tag_id"]?.value]) }
        if entity == .paper { try tagCountsMayChange(ofPaper: id) }
        let (columns, arguments) = Self.columns(entity, updates: fields, clocks: fields.mapValues(\.hlc), changedAt: nil)
        let sql = "INSERT OR IGNORE INTO \(entity.table) (id, \(columns.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: columns.count)))"
        try db.cachedStatement(sql: sql).execute(arguments: StatementArguments([id] + arguments))
        guard db.changesCount == 1 else { return false }
        if entity == .paper { unindexed.insert(id) }
        try queue(entity, id: id, fields: fields.keys.sorted(), isNew: true)
        return true
    }

    /// The columns and values that store `updates`: the fields, the match key of a
    /// paper's title, the clocks and the local change time.
    private static func columns(_ entity: Entity, updates: [String: Stamped], clocks: [String: HLC], changedAt: Int64?) -> ([String], [(any DatabaseValueConvertible)?]) {
        let names = updates.keys.sorted()
        var columns = names
        var arguments: [(any DatabaseValueConvertible)?] = []
        arguments.reserveCapacity(names.count + 3)
        var newest = changedAt.map { UInt64(max(0, $0)) } ?? 0
        for name in names {
            let stamped = updates[name]!
            arguments.append(stamped.value.databaseValue)
            newest = max(newest, stamped.hlc.millis)
        }
        if entity == .paper, let title = updates["title"] {
            columns.append("match_title")
            arguments.append(TextNormalization.matchKey(title.value.stringValue ?? ""))
        }
        columns += ["clocks", "changed_at"]
        arguments += [StoredRecord.encodeClocks(clocks), Int64(newest)]
        return (columns, arguments)
    }

    /// Runs `body` with queueing on.
    func withQueueing<T>(_ body: () throws -> T) rethrows -> T {
        let was = queueing
        queueing = true
        defer { queueing = was }
        return try body()
    }

    /// Adds the record's changed fields to its pending outbox row, moving it to the end.
    /// A field set aside from sync (``HeldChange``) is released: its new value is sent.
    func queue(_ entity: Entity, id: String, fields: [String], isNew: Bool) throws {
        guard queueing else { return }
        if hasHeldChanges == nil {
            hasHeldChanges = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM sync_held)")) ?? true
        }
        if hasHeldChanges == true {
            let release = try db.cachedStatement(sql: "DELETE FROM sync_held WHERE entity = ? AND id = ? AND field = ?")
            for field in fields { try release.execute(arguments: [entity.rawValue, id, field]) }
        }
        var pending = Set(fields)
        if !isNew, let existing = try String.fetchOne(
            db.cachedStatement(sql: "SELECT fields FROM outbox WHERE entity = ? AND id = ?"),
            arguments: [entity.rawValue, id]) {
            pending.formUnion(existing.split(separator: ",").map(String.init))
        }
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO outbox (entity, id, fields) VALUES (?, ?, ?)")
            .execute(arguments: [entity.rawValue, id, pending.sorted().joined(separator: ",")])
    }

    /// The papers whose search text may change with this update.
    private func indexedPapers(affectedBy entity: Entity, id: String, current: StoredRecord?, updates: [String: Stamped]) throws -> [String] {
        switch entity {
        case .paper:
            return [id]
        case .note, .highlight, .paperTag:
            var papers: [String] = []
            if let old = current?.values["paper_id"]?.stringValue { papers.append(old) }
            if let new = updates["paper_id"]?.value.stringValue, !papers.contains(new) { papers.append(new) }
            return papers
        case .tag:
            guard updates["name"] != nil else { return [] }
            return try String.fetchAll(db.cachedStatement(sql: "SELECT paper_id FROM paper_tag WHERE tag_id = ? AND present = 1"), arguments: [id])
        case .attachment:
            // A file's text has an index of its own (`page_fts`), by hash.
            return []
        }
    }

    // MARK: - Tag counts

    /// Notes tags whose paper counts may change in this transaction (``TagCounts``).
    private func tagCountsMayChange(tags: [JSONValue?]) {
        guard tagsToRecount != nil else { return }
        for case .string(let tag)? in tags { tagsToRecount?.insert(tag) }
        noteTagCountChange()
    }

    /// Notes the tags of a paper that is added, trashed, restored or purged: its
    /// memberships (which may have arrived before it) start or stop counting.
    private func tagCountsMayChange(ofPaper id: String) throws {
        guard tagsToRecount != nil else { return }
        for tag in try String.fetchAll(db.cachedStatement(sql: "SELECT tag_id FROM paper_tag WHERE paper_id = ? AND present = 1"), arguments: [id]) {
            tagsToRecount?.insert(tag)
        }
        noteTagCountChange()
    }

    /// From this many new papers on, ``finish()`` indexes them with FTS5's larger buffer.
    static let bulkIndexing: Int64 = 5_000

    /// Past this many changed rows, ``finish()`` counts every tag once instead of
    /// looking up each paper's memberships.
    static let tagCountRowLimit = 2_000

    private func noteTagCountChange() {
        tagCountRows += 1
        if tagCountRows > Self.tagCountRowLimit { tagsToRecount = nil }
    }

    /// Notes that a paper is about to be inserted: it has nothing in the index to
    /// remove, and it is indexed with every other new paper at ``finish()``.
    private func willInsertPaper(_ paperID: String) throws {
        try startNewPapers()
        unindexed.insert(paperID)
    }

    /// Remembers the first rowid a paper inserted in this transaction can have.
    private func startNewPapers() throws {
        if newPapersFrom == nil {
            newPapersFrom = try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(rowid), 0) + 1 FROM paper")) ?? 1
        }
    }

    /// Removes a paper's index entry, using the text it was indexed with, once per
    /// transaction, and marks the paper for re-indexing at ``finish()``. A paper that
    /// cannot be indexed yet (a new one) costs no statement.
    private func unindex(_ paperID: String, mayBeIndexed: Bool) throws {
        guard unindexed.insert(paperID).inserted else { return }
        if searchIndexDeferred {
            // A paper stored before this transaction may already be in the index a
            // ``SearchIndexBuilder`` is building: it is indexed again at its end.
            if mayBeIndexed {
                try db.cachedStatement(sql: "CREATE TEMP TABLE IF NOT EXISTS search_pending (paper_rowid INTEGER PRIMARY KEY)").execute()
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO temp.search_pending SELECT rowid FROM paper WHERE id = ?").execute(arguments: [paperID])
            }
            return
        }
        unindexedOrder.append(paperID)
        guard mayBeIndexed,
              let rowid = try Int64.fetchOne(db.cachedStatement(sql: "SELECT rowid FROM paper WHERE id = ?"), arguments: [paperID])
        else { return }
        try db.cachedStatement(sql: """
            INSERT INTO paper_fts(paper_fts, rowid, \(Schema.searchColumns))
            SELECT 'delete', rowid, \(Schema.searchColumns) FROM paper_search_source
            WHERE rowid = ?
            """).execute(arguments: [rowid])
    }

    /// Checks that the entity has the field and the value passes ``Model/FieldRules``
    /// (of its kind; no NUL in a text).
    static func check(_ entity: Entity, _ name: String, _ value: JSONValue, id: String? = nil) throws {
        guard entity.field(named: name) != nil else {
            throw StorageError.invalidRecord(entity: entity.rawValue, id: id ?? "?", reason: "unknown field '\(name)'")
        }
        if let problem = FieldRules.valueProblem(entity: entity.rawValue, field: name, value: value) {
            guard let id else { throw StorageError.invalidValue(field: name, reason: problem.reason) }
            throw StorageError.invalidRecord(entity: entity.rawValue, id: id, reason: "field '\(name)': \(problem.reason)")
        }
    }

    /// A checked local value, its text in NFC with `\n` line ends.
    static func validated(_ entity: Entity, _ name: String, _ value: JSONValue, id: String? = nil) throws -> JSONValue {
        try check(entity, name, value, id: id)
        if case .string(let text) = value {
            return .string(TextNormalization.storedText(text))
        }
        return value
    }
}
