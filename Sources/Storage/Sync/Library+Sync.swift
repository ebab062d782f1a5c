import Foundation
import GRDB
import Model

/// Keys of the local sync bookkeeping in `meta` (never synced).
package enum SyncMeta: String, Sendable {
    case url = "sync.url", token = "sync.token", cursor = "sync.cursor", epoch = "sync.epoch"
    case lastNseq = "sync.nseq", ackedNseq = "sync.acked_nseq", lastSync = "sync.last_sync"
    case offset = "sync.clock_offset_ms", instance = "sync.instance", resyncing = "sync.resyncing"
}

extension Library {
    // MARK: - Remote and state

    /// Stores where the library syncs to.
    public func setRemote(_ remote: SyncRemote) throws {
        try dbQueue.write { db in
            try Schema.setMeta(db, SyncMeta.url.rawValue, remote.url)
            if let token = remote.token {
                try Schema.setMeta(db, SyncMeta.token.rawValue, token)
            } else {
                try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [SyncMeta.token.rawValue])
            }
        }
    }

    /// The sync bookkeeping: remote, cursor, counters, clock offset, pending changes.
    public func syncState() throws -> SyncState {
        try read { db in
            func int(_ key: String) throws -> Int64? { try Schema.meta(db, key).flatMap { Int64($0) } }
            let remote = try Schema.meta(db, SyncMeta.url.rawValue).map { SyncRemote(url: $0, token: try Schema.meta(db, SyncMeta.token.rawValue)) }
            let pending = try Row.fetchOne(db.cachedStatement(sql: "SELECT coalesce(sum(length(fields) - length(replace(fields, ',', '')) + 1), 0), count(*) FROM outbox"))
            let held = try Row.fetchAll(db.cachedStatement(sql: "SELECT entity, id, field, reason FROM sync_held ORDER BY held_at, entity, id, field")).map {
                HeldChange(entity: $0[0], id: $0[1], field: $0[2], reason: $0[3])
            }
            let batch = try Row.fetchOne(db.cachedStatement(sql: "SELECT first_nseq, last_nseq FROM sync_batch")).map { ($0[0] as Int64)...($0[1] as Int64) }
            return SyncState(remote: remote, cursor: try int(SyncMeta.cursor.rawValue) ?? 0, epoch: try Schema.meta(db, SyncMeta.epoch.rawValue),
                             node: try Schema.nodeID(db), lastNseq: try int(SyncMeta.lastNseq.rawValue) ?? 0,
                             ackedNseq: try int(SyncMeta.ackedNseq.rawValue) ?? 0, lastSyncMillis: try int(SyncMeta.lastSync.rawValue),
                             clockOffsetMillis: try int(SyncMeta.offset.rawValue) ?? 0, instanceID: try Schema.meta(db, SyncMeta.instance.rawValue),
                             isResyncing: try Schema.meta(db, SyncMeta.resyncing.rawValue) == "1",
                             pendingFields: pending?[0] ?? 0, pendingRecords: pending?[1] ?? 0, held: held, batchInFlight: batch)
        }
    }

    /// A number that changes whenever another connection (another `reader` process,
    /// the reading room) commits to the library, and not for this library's own
    /// writes: what `reader sync --watch` polls to send a local edit at once.
    public func othersWriteVersion() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }

    /// The wall clock the library stamps with: this machine's, corrected by the
    /// offset to the server's clock that the last sync measured.
    public func correctedWallMillis() throws -> UInt64 {
        let offset = try read { db in try Schema.meta(db, SyncMeta.offset.rawValue).flatMap { Int64($0) } } ?? 0
        return Library.corrected(wallClock(), by: offset)
    }

    /// This machine's clock corrected by the measured offset to the server's
    /// (never before 1970): what every stamp and the sync engine use.
    static func corrected(_ wallMillis: UInt64, by offset: Int64) -> UInt64 {
        offset == 0 ? wallMillis : UInt64(max(0, Int64(clamping: wallMillis) + offset))
    }

    /// This machine's uncorrected wall clock, in Unix milliseconds.
    public func localWallMillis() -> UInt64 { wallClock() }

    /// Records the offset of the server's clock to this machine's.
    public func setClockOffset(_ millis: Int64) throws {
        try dbQueue.write { db in try Schema.setMeta(db, SyncMeta.offset.rawValue, String(millis)) }
    }

    /// Records the end of a sync.
    public func markSynced(at millis: Int64) throws {
        try dbQueue.write { db in
            try Schema.setMeta(db, SyncMeta.lastSync.rawValue, String(millis))
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [SyncMeta.resyncing.rawValue])
        }
    }

    /// Stores the instance id that is also kept in a file beside the database.
    public func setInstanceID(_ id: String) throws {
        try dbQueue.write { db in try Schema.setMeta(db, SyncMeta.instance.rawValue, id) }
    }

    // MARK: - Restore

    /// This file is a copy or a restore of a library that synced: it gets a new
    /// node id (so that its batch numbers cannot collide with the original's), pulls
    /// from the start, and queues again every local field that beats the server's.
    public func becomeNewNode(instanceID: String) throws {
        try dbQueue.write { db in
            try Schema.setMeta(db, "node_id", NodeID.random().description)
            for key in [SyncMeta.lastNseq, .ackedNseq, .cursor].map(\.rawValue) { try Schema.setMeta(db, key, "0") }
            try Schema.setMeta(db, SyncMeta.resyncing.rawValue, "1")
            try Schema.setMeta(db, SyncMeta.instance.rawValue, instanceID)
            try db.execute(sql: "DELETE FROM sync_batch")
        }
    }

    /// The server was restored or reset (a new epoch, or it forgot batches it had
    /// acknowledged): every local record is queued again, the batch numbers continue
    /// from what the server remembers, and everything is pulled from the start.
    public func resyncWithRestoredServer(epoch: String, serverLastNseq: Int64) throws {
        try dbQueue.write { db in
            for entity in Entity.allCases {
                let rows = try Row.fetchCursor(db, sql: "SELECT id, clocks FROM \(entity.table)")
                while let row = try rows.next() {
                    let names = StoredRecord.decodeClocks(row[1]).keys.sorted()
                    guard !names.isEmpty else { continue }
                    try db.execute(sql: "INSERT OR REPLACE INTO outbox (entity, id, fields) VALUES (?, ?, ?)",
                                   arguments: [entity.rawValue, row[0] as String, names.joined(separator: ",")])
                }
            }
            try db.execute(sql: """
                INSERT OR REPLACE INTO outbox (entity, id, fields) SELECT entity, id, 'purged' FROM tombstone;
                DELETE FROM sync_batch;
                DELETE FROM text_base;
                """)
            try Schema.setMeta(db, SyncMeta.lastNseq.rawValue, String(serverLastNseq))
            try Schema.setMeta(db, SyncMeta.ackedNseq.rawValue, String(serverLastNseq))
            try Schema.setMeta(db, SyncMeta.cursor.rawValue, "0")
            try Schema.setMeta(db, SyncMeta.epoch.rawValue, epoch)
        }
    }

    /// Notes the epoch of a server seen for the first time.
    public func setEpoch(_ epoch: String) throws {
        try dbQueue.write { db in try Schema.setMeta(db, SyncMeta.epoch.rawValue, epoch) }
    }

    /// Whether the library holds no paper at all (in the trash or not): a first
    /// pull into it may leave the search index to be built once at the end.
    package func holdsNoPapers() throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM paper)") != true }
    }

    // MARK: - Push

    /// Spaces SQLite's automatic checkpoints `pages` pages apart on this library's
    /// connection (nil: SQLite's 1,000 again, checkpointing what waits).
    ///
    /// A push stores each 1 MiB batch before sending it and deletes it at its
    /// receipt: at 1,000 pages a checkpoint, and its flushes to disk, came every
    /// four batches and stalled the push while the server waited. Spaced out, the
    /// same pages rewritten batch after batch are copied once per checkpoint.
    package func spaceCheckpoints(everyPages pages: Int?) throws {
        try dbQueue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages ?? 1000)")
            if pages == nil { try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        }
    }

    /// The batch sent and not yet acknowledged, if any.
    public func batchInFlight() throws -> StoredBatch? {
        try read { db in try Library.storedBatch(db) }
    }

    static func storedBatch(_ db: Database) throws -> StoredBatch? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT idempotency_key, first_nseq, last_nseq, body FROM sync_batch")).map {
            StoredBatch(key: $0[0], firstNseq: $0[1], lastNseq: $0[2], body: $0[3])
        }
    }

    /// Sets a change aside: it leaves the outbox row and waits in `sync_held`.
    static func hold(_ db: Database, entity: String, id: String, field: String, reason: String, at millis: Int64) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO sync_held (entity, id, field, reason, held_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [entity, id, field, reason, millis])
        guard let fields = try String.fetchOne(db, sql: "SELECT fields FROM outbox WHERE entity = ? AND id = ?", arguments: [entity, id]) else { return }
        let rest = fields.split(separator: ",").map(String.init).filter { $0 != field }
        if rest.isEmpty {
            try db.execute(sql: "DELETE FROM outbox WHERE entity = ? AND id = ?", arguments: [entity, id])
        } else {
            try db.execute(sql: "UPDATE outbox SET fields = ? WHERE entity = ? AND id = ?", arguments: [rest.joined(separator: ","), entity, id])
        }
    }

    /// The field changes of one outbox row: the purge of a purged record, or each
    /// named field's current value and clock (fields never set are left out).
    static func outboxChanges(_ db: Database, entity name: String, id: String, fields: [String]) throws -> [FieldChange] {
        guard let entity = Entity(rawValue: name) else { return [] }
        if let purge = try String.fetchOne(db.cachedStatement(sql: "SELECT hlc FROM tombstone WHERE entity = ? AND id = ?"),
                                           arguments: [name, id]).flatMap(HLC.init) {
            return [FieldChange(entity: entity, id: id, field: Entity.purgedField, value: .bool(true), hlc: purge)]
        }
        guard let record = try StoredRecord.fetch(db, entity: entity, id: id) else { return [] }
        return fields.compactMap { field in
            guard field != Entity.purgedField, let hlc = record.clocks[field] else { return nil }
            return FieldChange(entity: entity, id: id, field: field, value: record.values[field] ?? .null, hlc: hlc)
        }
    }

    /// Last writer wins on a field this version does not know. Returns whether it was stored.
    @discardableResult
    static func mergeForeign(_ writer: ChangeWriter, entity: String, id: String, field: String, _ incoming: Stamped) throws -> Bool {
        writer.clock.receive(incoming.hlc)
        if let known = Entity(rawValue: entity), try writer.purgeClock(known, id: id) != nil { return false }
        let stored = try Row.fetchOne(writer.db.cachedStatement(sql: "SELECT value, hlc FROM foreign_field WHERE entity = ? AND id = ? AND field = ?"),
                                      arguments: [entity, id, field])
        if let stored, let hlc = HLC(stored[1] as String) {
            let value = (try? JSONValue(parsing: stored[0] as String)) ?? .null
            guard FieldRules.lastWriterWins(stored: Stamped(value, at: hlc), incoming: incoming) == .takeIncoming else { return false }
        }
        try writer.db.cachedStatement(sql: "INSERT OR REPLACE INTO foreign_field (entity, id, field, value, hlc) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [entity, id, field, incoming.value.canonicalJSON, incoming.hlc.description])
        return true
    }

    /// The texts a note body or highlight comment held before they were replaced, oldest first.
    public func textHistory(of entity: Entity, id: String, field: String) throws -> [(text: String, replacedAt: Date, reason: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT text, replaced_at, reason FROM text_history WHERE entity = ? AND id = ? AND field = ? ORDER BY seq",
                             arguments: [entity.rawValue, id, field]).map {
                (($0[0] as String?) ?? "", Date(timeIntervalSince1970: Double($0[1] as Int64) / 1000), $0[2])
            }
        }
    }
}

extension Library {
    /// Every text a note body or highlight comment held before it was replaced, in
    /// the whole library: what an audit of "no typed line is ever lost" reads.
    public func replacedTexts() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT text FROM text_history WHERE text IS NOT NULL ORDER BY seq") }
    }
}
