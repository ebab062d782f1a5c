import GRDB
import Model

/// One write transaction of the sync client: what the `Sync` module's decisions
/// (forming a batch, taking a receipt, applying a pulled page, re-stamping) read
/// and write. Records change only through the stamped write path; the outbox,
/// the batch in flight, text bases and the sync bookkeeping are offered as
/// plain operations. Nothing here decides what wins: that is `Sync`'s and
/// ``Model/FieldRules``'s business.
///
/// ```swift
/// try library.syncTransaction { tx in
///     try tx.setMeta(.cursor, "42")
/// }
/// ```
package struct SyncTransaction {
    let writer: ChangeWriter
    var db: Database { writer.db }

    /// This transaction's wall time (corrected by the measured clock offset), in Unix milliseconds.
    package var wallMillis: UInt64 { writer.wallMillis }

    /// The node id this library stamps with.
    package func nodeID() throws -> NodeID { try Schema.nodeID(db) }

    // MARK: - Bookkeeping

    /// A sync bookkeeping value.
    package func meta(_ key: SyncMeta) throws -> String? { try Schema.meta(db, key.rawValue) }

    /// A sync bookkeeping number (0 when unset).
    package func number(_ key: SyncMeta) throws -> Int64 { try meta(key).flatMap { Int64($0) } ?? 0 }

    /// Sets a sync bookkeeping value.
    package func setMeta(_ key: SyncMeta, _ value: String) throws { try Schema.setMeta(db, key.rawValue, value) }

    // MARK: - The outbox and the batch in flight

    /// One record's pending fields in the outbox.
    package struct OutboxRow {
        /// The row's place in the outbox.
        package var seq: Int64
        /// The record.
        package var entity: String, id: String
        /// Its changed fields as stored (sorted, comma-separated).
        var storedFields: String
        /// Its changed fields, sorted. Split when asked: splitting every row read
        /// showed in the first push's profile.
        package var fields: [String] { storedFields.split(separator: ",").map(String.init) }
    }

    /// Visits the outbox rows after `seq` (every row by default), oldest first, one at
    /// a time until `body` returns false.
    ///
    /// A batch takes the rows it has room for: a few hundred records of many fields
    /// each, where reading a fixed number of rows first read ten times as many.
    package func forEachOutboxRow(after seq: Int64 = 0, _ body: (OutboxRow) throws -> Bool) throws {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT seq, entity, id, fields FROM outbox WHERE seq > ? ORDER BY seq"), arguments: [seq])
        while let row = try rows.next() {
            guard try body(OutboxRow(seq: row[0], entity: row[1], id: row[2], storedFields: row[3])) else { return }
        }
    }

    /// The places of the oldest outbox rows, oldest first.
    package func outboxSeqs(limit: Int) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT seq FROM outbox ORDER BY seq LIMIT ?"), arguments: [limit])
    }

    /// Removes outbox rows (sent and acknowledged, or of vanished records).
    package func deleteOutboxRows(_ seqs: some Collection<Int64>) throws {
        guard !seqs.isEmpty else { return }
        try db.execute(sql: "DELETE FROM outbox WHERE seq IN (\(seqs.map(String.init).joined(separator: ",")))")
    }

    /// The fields of a record waiting to be sent.
    package func pendingFields(_ entity: Entity, id: String) throws -> Set<String> {
        let fields = try String.fetchOne(db.cachedStatement(sql: "SELECT fields FROM outbox WHERE entity = ? AND id = ?"),
                                         arguments: [entity.rawValue, id]) ?? ""
        return Set(fields.split(separator: ",").map(String.init))
    }

    /// The field changes of an outbox row: the purge of a purged record, or each
    /// named field's current value and clock.
    package func changes(of row: OutboxRow) throws -> [FieldChange] {
        try Library.outboxChanges(db, entity: row.entity, id: row.id, fields: row.fields)
    }

    /// The batch sent and not yet acknowledged, if any.
    package func batchInFlight() throws -> StoredBatch? { try Library.storedBatch(db) }

    /// The idempotency key of the batch in flight, if any, without reading its body.
    package func keyOfBatchInFlight() throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT idempotency_key FROM sync_batch"))
    }

    /// The outbox rows the batch in flight covers.
    package func outboxRowsOfBatchInFlight() throws -> [Int64] {
        (try String.fetchOne(db, sql: "SELECT outbox FROM sync_batch") ?? "").split(separator: ",").compactMap { Int64($0) }
    }

    /// Stores a batch before it is sent, with the outbox rows it covers.
    package func storeBatch(_ batch: StoredBatch, outboxRows: [Int64]) throws {
        try db.execute(sql: "INSERT INTO sync_batch (id, idempotency_key, first_nseq, last_nseq, body, outbox, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
                       arguments: [batch.key, batch.firstNseq, batch.lastNseq, batch.body,
                                   outboxRows.map(String.init).joined(separator: ","), Int64(writer.wallMillis)])
    }

    /// Forgets the batch in flight (acknowledged, or to be formed again).
    package func dropBatch() throws { try db.execute(sql: "DELETE FROM sync_batch") }

    /// Sets a change aside: it leaves its outbox row and waits in `sync_held`
    /// (``HeldChange``) until the field is edited again.
    package func hold(entity: String, id: String, field: String, reason: String) throws {
        try Library.hold(db, entity: entity, id: id, field: field, reason: reason, at: Int64(writer.wallMillis))
    }

    // MARK: - Records

    /// A record's values and clocks, or nil when it does not exist.
    package func record(_ entity: Entity, id: String) throws -> (values: [String: JSONValue], clocks: [String: HLC])? {
        try writer.load(entity, id: id).map { ($0.values, $0.clocks) }
    }

    /// The clock of a record's purge, when it was purged.
    package func purgeClock(_ entity: Entity, id: String) throws -> HLC? { try writer.purgeClock(entity, id: id) }

    /// Merges a stamped record through the write path (see ``ChangeWriter/merge(_:overriding:)``):
    /// fields in `overriding` take the incoming value whatever its clock.
    @discardableResult
    package func merge(_ record: SyncRecord, overriding: Set<String> = []) throws -> MergeOutcome {
        switch try writer.merge(record, overriding: overriding) {
        case .created: .created
        case .updated(let names): .updated(names)
        case .unchanged: .unchanged
        }
    }

    /// What a merge did to one record.
    package enum MergeOutcome: Equatable {
        /// The record did not exist; all its fields were stored.
        case created
        /// These fields were replaced.
        case updated([String])
        /// Nothing changed.
        case unchanged
    }

    /// Last writer wins on a field of a kind or name this version does not know.
    @discardableResult
    package func mergeForeign(entity: String, id: String, field: String, _ stamped: Stamped) throws -> Bool {
        try Library.mergeForeign(writer, entity: entity, id: id, field: field, stamped)
    }

    /// Sets fields as a local edit (stamped with a new clock, queued for sync).
    @discardableResult
    package func setQueued(_ entity: Entity, id: String, _ values: [String: JSONValue]) throws -> Bool {
        try writer.withQueueing { try writer.set(entity, id: id, values) }
    }

    /// Keeps a text that is being replaced (no typed line is ever lost).
    package func keepHistory(_ entity: Entity, id: String, field: String, text: JSONValue, hlc: HLC?, reason: String) throws {
        try writer.keepHistory(entity, id: id, field: field, text: text, hlc: hlc, reason: reason)
    }

    /// A new time-ordered record id.
    package func newID() -> String { writer.newID() }

    /// Moves the clock past a clock seen from elsewhere.
    package func receive(_ hlc: HLC) { writer.clock.receive(hlc) }

    /// Whether merges queue what they change for sync (off while applying what the
    /// server sent: it goes nowhere).
    package var queueing: Bool {
        get { writer.queueing }
        nonmutating set { writer.queueing = newValue }
    }

    /// While a restored copy resyncs: fields whose local clock beats the pulled
    /// one are queued again.
    package var requeueLosing: Bool {
        get { writer.requeueLosing }
        nonmutating set { writer.requeueLosing = newValue }
    }

    /// Leaves the search index alone until ``Library/rebuildSearchIndexIfDeferred()``.
    package func deferSearchIndex() throws {
        guard !writer.searchIndexDeferred else { return }
        try Schema.setMeta(db, Schema.searchIndexDeferredKey, "1")
        writer.searchIndexDeferred = true
    }

    /// Passes a labelled point where tests inject a crash.
    package func pass(_ point: CrashPoints.Point) throws { try writer.crashPoints?.pass(point) }

    // MARK: - Texts merged by revision

    /// The server revision (and its text) a local text was last in step with.
    package func textBase(_ entity: Entity, id: String, field: String) throws -> (rev: Int64, text: String?)? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT rev, text FROM text_base WHERE entity = ? AND id = ? AND field = ?"),
                         arguments: [entity.rawValue, id, field]).map { ($0[0], $0[1]) }
    }

    /// Records the server revision a text is in step with.
    package func setTextBase(_ entity: Entity, id: String, field: String, rev: Int64, text: JSONValue) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO text_base (entity, id, field, rev, text) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [entity.rawValue, id, field, rev, text.stringValue])
    }

    // MARK: - Clocks

    /// Replaces some clocks of a record (values unchanged): re-stamping after clock skew.
    package func setClocks(_ entity: Entity, id: String, _ clocks: [String: HLC]) throws {
        try db.execute(sql: "UPDATE \(entity.table) SET clocks = ? WHERE id = ?", arguments: [StoredRecord.encodeClocks(clocks), id])
    }

    /// Replaces the clock of a record's purge.
    package func setPurgeClock(_ entity: Entity, id: String, _ hlc: HLC) throws {
        try db.execute(sql: "UPDATE tombstone SET hlc = ? WHERE entity = ? AND id = ?", arguments: [hlc.description, entity.rawValue, id])
    }

    /// Saves the library's last clock.
    package func setLastClock(_ hlc: HLC) throws {
        writer.clock = HybridClock(node: writer.clock.node, last: hlc)
        try Schema.setMeta(db, "hlc", hlc.description)
    }
}

extension Library {
    /// Runs `body` in one write transaction of the sync client (see ``SyncTransaction``).
    package func syncTransaction<T>(_ body: (SyncTransaction) throws -> T) throws -> T {
        try write { writer in try body(SyncTransaction(writer: writer)) }
    }
}
