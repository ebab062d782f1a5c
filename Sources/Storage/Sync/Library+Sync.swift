import Foundation
import GRDB
import Model

/// Keys of the local sync bookkeeping in `meta`.
enum SyncMeta {
    static let url = "sync.url", token = "sync.token", cursor = "sync.cursor", epoch = "sync.epoch"
    static let lastNseq = "sync.nseq", ackedNseq = "sync.acked_nseq", lastSync = "sync.last_sync"
    static let offset = "sync.clock_offset_ms", instance = "sync.instance", resyncing = "sync.resyncing"
}

extension Library {
    // MARK: - Remote and state

    /// Stores where the library syncs to.
    public func setRemote(_ remote: SyncRemote) throws {
        try dbQueue.write { db in
            try Schema.setMeta(db, SyncMeta.url, remote.url)
            if let token = remote.token {
                try Schema.setMeta(db, SyncMeta.token, token)
            } else {
                try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [SyncMeta.token])
            }
        }
    }

    /// The sync bookkeeping: remote, cursor, counters, clock offset, pending changes.
    public func syncState() throws -> SyncState {
        try read { db in
            func int(_ key: String) throws -> Int64? { try Schema.meta(db, key).flatMap { Int64($0) } }
            let remote = try Schema.meta(db, SyncMeta.url).map { SyncRemote(url: $0, token: try Schema.meta(db, SyncMeta.token)) }
            let pending = try Row.fetchOne(db.cachedStatement(sql: "SELECT coalesce(sum(length(fields) - length(replace(fields, ',', '')) + 1), 0), count(*) FROM outbox"))
            let held = try Row.fetchAll(db.cachedStatement(sql: "SELECT entity, id, field, reason FROM sync_held ORDER BY held_at, entity, id, field")).map {
                HeldChange(entity: $0[0], id: $0[1], field: $0[2], reason: $0[3])
            }
            let batch = try Row.fetchOne(db.cachedStatement(sql: "SELECT first_nseq, last_nseq FROM sync_batch")).map { ($0[0] as Int64)...($0[1] as Int64) }
            return SyncState(remote: remote, cursor: try int(SyncMeta.cursor) ?? 0, epoch: try Schema.meta(db, SyncMeta.epoch),
                             node: try Schema.nodeID(db), lastNseq: try int(SyncMeta.lastNseq) ?? 0,
                             ackedNseq: try int(SyncMeta.ackedNseq) ?? 0, lastSyncMillis: try int(SyncMeta.lastSync),
                             clockOffsetMillis: try int(SyncMeta.offset) ?? 0, instanceID: try Schema.meta(db, SyncMeta.instance),
                             isResyncing: try Schema.meta(db, SyncMeta.resyncing) == "1",
                             pendingFields: pending?[0] ?? 0, pendingRecords: pending?[1] ?? 0, held: held, batchInFlight: batch)
        }
    }

    /// The wall clock the library stamps with: this machine's, corrected by the
    /// offset to the server's clock that the last sync measured.
    public func correctedWallMillis() throws -> UInt64 {
        let offset = try read { db in try Schema.meta(db, SyncMeta.offset).flatMap { Int64($0) } } ?? 0
        return UInt64(max(0, Int64(clamping: wallClock()) + offset))
    }

    /// This machine's uncorrected wall clock, in Unix milliseconds.
    public func localWallMillis() -> UInt64 { wallClock() }

    /// Records the offset of the server's clock to this machine's.
    public func setClockOffset(_ millis: Int64) throws {
        try dbQueue.write { db in try Schema.setMeta(db, SyncMeta.offset, String(millis)) }
    }

    /// Records the end of a sync.
    public func markSynced(at millis: Int64) throws {
        try dbQueue.write { db in
            try Schema.setMeta(db, SyncMeta.lastSync, String(millis))
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [SyncMeta.resyncing])
        }
    }

    /// Stores the instance id that is also kept in a file beside the database.
    public func setInstanceID(_ id: String) throws {
        try dbQueue.write { db in try Schema.setMeta(db, SyncMeta.instance, id) }
    }

    // MARK: - Restore

    /// This file is a copy or a restore of a library that synced: it gets a new
    /// node id (so that its batch numbers cannot collide with the original's), pulls
    /// from the start, and queues again every local field that beats the server's.
    public func becomeNewNode(instanceID: String) throws {
        try dbQueue.write { db in
            try Schema.setMeta(db, "node_id", NodeID.random().description)
            for key in [SyncMeta.lastNseq, SyncMeta.ackedNseq, SyncMeta.cursor] { try Schema.setMeta(db, key, "0") }
            try Schema.setMeta(db, SyncMeta.resyncing, "1")
            try Schema.setMeta(db, SyncMeta.instance, instanceID)
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
            try Schema.setMeta(db, SyncMeta.lastNseq, String(serverLastNseq))
            try Schema.setMeta(db, SyncMeta.ackedNseq, String(serverLastNseq))
            try Schema.setMeta(db, SyncMeta.cursor, "0")
            try Schema.setMeta(db, SyncMeta.epoch, epoch)
        }
    }

    /// Notes the epoch of a server seen for the first time.
    public func setEpoch(_ epoch: String) throws {
        try dbQueue.write { db in try Schema.setMeta(db, SyncMeta.epoch, epoch) }
    }

    // MARK: - Push

    /// The batch sent and not yet acknowledged, if any.
    public func batchInFlight() throws -> StoredBatch? {
        try read { db in try Library.storedBatch(db) }
    }

    static func storedBatch(_ db: Database) throws -> StoredBatch? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT idempotency_key, first_nseq, last_nseq, body FROM sync_batch")).map {
            StoredBatch(key: $0[0], firstNseq: $0[1], lastNseq: $0[2], body: $0[3])
        }
    }

    /// Forms the next batch from the outbox, oldest records first: numbers its
    /// changes after the last `nseq`, has `encode` write the request body, and stores
    /// the body before anything is sent. Nil when nothing is waiting.
    ///
    /// - Parameters:
    ///   - maxChanges: the most changes in one batch.
    ///   - maxBytes: a bound on the body's size (estimated from the values' sizes).
    public func formBatch(maxChanges: Int, maxBytes: Int, encode: ([OutgoingChange], NodeID) -> String) throws -> StoredBatch? {
        try dbQueue.write { db in
            if let batch = try Library.storedBatch(db) { return batch }
            let node = try Schema.nodeID(db)
            var nseq = try Schema.meta(db, SyncMeta.lastNseq).flatMap { Int64($0) } ?? 0
            let first = nseq + 1
            var changes: [OutgoingChange] = []
            var outboxRows: [Int64] = []
            var bytes = 100
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT seq, entity, id, fields FROM outbox ORDER BY seq LIMIT ?"), arguments: [maxChanges])
            for row in rows {
                // A change every server would refuse is set aside, so that the rest still syncs.
                let fieldChanges = try Library.outboxChanges(db, entity: row[1], id: row[2], fields: row[3]).filter { change in
                    let c = change.change
                    guard let problem = FieldRules.problem(entity: c.entity.rawValue, field: c.field, value: c.value, hlc: c.hlc) else { return true }
                    try Library.hold(db, entity: c.entity.rawValue, id: c.id, field: c.field, reason: problem.description, at: Int64(wallClock()))
                    return false
                }
                let size = fieldChanges.reduce(0) { $0 + 200 + $1.change.value.canonicalJSON.utf8.count }
                if !changes.isEmpty, changes.count + fieldChanges.count > maxChanges || bytes + size > maxBytes { break }
                for change in fieldChanges {
                    nseq += 1
                    changes.append(OutgoingChange(nseq: nseq, change: change.change, baseRev: change.baseRev))
                }
                bytes += size
                outboxRows.append(row[0])
            }
            guard !outboxRows.isEmpty else { return nil }
            if changes.isEmpty {
                // Rows whose records vanished (nothing to send): drop them.
                try db.execute(sql: "DELETE FROM outbox WHERE seq IN (\(outboxRows.map(String.init).joined(separator: ",")))")
                return nil
            }
            let batch = StoredBatch(key: UUID().uuidString.lowercased(), firstNseq: first, lastNseq: nseq, body: encode(changes, node))
            try db.execute(sql: "INSERT INTO sync_batch (id, idempotency_key, first_nseq, last_nseq, body, outbox, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
                           arguments: [batch.key, batch.firstNseq, batch.lastNseq, batch.body,
                                       outboxRows.map(String.init).joined(separator: ","), Int64(wallClock())])
            try Schema.setMeta(db, SyncMeta.lastNseq, String(nseq))
            return batch
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

    /// The server refused the batch in flight because of one of its changes
    /// (`changes[N]` in its answer): that change is set aside, the batch dropped
    /// (its numbers given again) and the rest stays queued for the next batch.
    /// Returns whether a change was set aside.
    public func setAside(changeAt index: Int, of batch: StoredBatch, reason: String, changeOf: (String, Int) -> (entity: String, id: String, field: String)?) throws -> Bool {
        guard let change = changeOf(batch.body, index) else { return false }
        return try dbQueue.write { db in
            guard let stored = try Library.storedBatch(db), stored.key == batch.key else { return false }
            try Schema.setMeta(db, SyncMeta.lastNseq, String(batch.firstNseq - 1))
            try db.execute(sql: "DELETE FROM sync_batch")
            try Library.hold(db, entity: change.entity, id: change.id, field: change.field, reason: reason, at: Int64(wallClock()))
            return true
        }
    }

    /// The field changes of one outbox row, with each text field's base revision.
    static func outboxChanges(_ db: Database, entity name: String, id: String, fields: String) throws -> [(change: FieldChange, baseRev: Int64?)] {
        guard let entity = Entity(rawValue: name) else { return [] }
        if let purge = try String.fetchOne(db.cachedStatement(sql: "SELECT hlc FROM tombstone WHERE entity = ? AND id = ?"),
                                           arguments: [name, id]).flatMap(HLC.init) {
            return [(FieldChange(entity: entity, id: id, field: Entity.purgedField, value: .bool(true), hlc: purge), nil)]
        }
        guard let record = try StoredRecord.fetch(db, entity: entity, id: id) else { return [] }
        var result: [(FieldChange, Int64?)] = []
        for field in fields.split(separator: ",").map(String.init).sorted() {
            guard field != Entity.purgedField, let hlc = record.clocks[field] else { continue }
            var baseRev: Int64?
            if entity.isMergedText(field) {
                baseRev = try Int64.fetchOne(db.cachedStatement(sql: "SELECT rev FROM text_base WHERE entity = ? AND id = ? AND field = ?"),
                                             arguments: [name, id, field]) ?? 0
            }
            result.append((FieldChange(entity: entity, id: id, field: field, value: record.values[field] ?? .null, hlc: hlc), baseRev))
        }
        return result
    }

    /// Takes the server's answer to the batch in flight, in one transaction: the
    /// outbox rows it covered are done (unless changed again since), text bases
    /// move to the new revisions, texts edited from an old revision are merged by
    /// lines with the server's (a clean merge is queued again; overlapping edits
    /// keep the server's text and save the local one as a conflict-copy note).
    ///
    /// - Parameter device: names the device in a conflict copy's title.
    public func acknowledge(_ batch: StoredBatch, ackedThrough: Int64, results: [AcknowledgedChange], device: String) throws -> AcknowledgeReport {
        try write { writer in
            let db = writer.db
            guard let stored = try Library.storedBatch(db), stored.key == batch.key else { return AcknowledgeReport() }
            let rows = try String.fetchOne(db, sql: "SELECT outbox FROM sync_batch") ?? ""
            if !rows.isEmpty { try db.execute(sql: "DELETE FROM outbox WHERE seq IN (\(rows))") }
            try db.execute(sql: "DELETE FROM sync_batch")
            try Schema.setMeta(db, SyncMeta.ackedNseq, String(ackedThrough))
            var report = AcknowledgeReport()
            writer.queueing = false
            for result in results {
                let change = result.change
                switch result.outcome {
                case .applied(let rev):
                    report.applied += 1
                    if let rev, change.entity.isMergedText(change.field) {
                        try Library.setTextBase(db, change.entity, change.id, change.field, rev: rev, text: change.value)
                    }
                case .superseded:
                    report.superseded += 1
                case .rejected(let reason):
                    report.rejected.append("\(change.entity) \(change.id.prefix(8)) \(change.field): \(reason)")
                case .rebase(let text, let rev, let hlc):
                    report.rebased += 1
                    try rebase(writer, change: change, serverText: text, rev: rev, hlc: hlc, device: device, report: &report)
                }
            }
            writer.queueing = true
            return report
        }
    }

    private func rebase(_ writer: ChangeWriter, change: FieldChange, serverText: JSONValue, rev: Int64, hlc: HLC?,
                        device: String, report: inout AcknowledgeReport) throws {
        let db = writer.db
        guard let current = try writer.load(change.entity, id: change.id) else { return }
        let local = current.values[change.field]?.stringValue ?? ""
        let server = serverText.stringValue ?? ""
        let base = try String.fetchOne(db.cachedStatement(sql: "SELECT text FROM text_base WHERE entity = ? AND id = ? AND field = ?"),
                                       arguments: [change.entity.rawValue, change.id, change.field]) ?? ""
        // Take the server's text (and clock) first, without queueing: it is shared state.
        if let hlc {
            try writer.merge(SyncRecord(entity: change.entity, id: change.id, fields: [change.field: Stamped(serverText, at: hlc)]),
                             overriding: [change.field])
        }
        try Library.setTextBase(db, change.entity, change.id, change.field, rev: rev, text: serverText)
        switch LineMerge.merge(base: base, local: local, remote: server) {
        case .merged(let text):
            guard text != server else { return }
            report.merged += 1
            try writer.withQueueing {
                _ = try writer.set(change.entity, id: change.id, [change.field: .string(text)])
            }
        case .conflict:
            let paperID = current.values["paper_id"] ?? .null
            let copy = writer.newID()
            let now = JSONValue.int(Int64(writer.wallMillis))
            let day = ISO8601DateFormatter.string(from: Date(timeIntervalSince1970: Double(writer.wallMillis) / 1000),
                                                  timeZone: .current, formatOptions: [.withFullDate])
            try writer.keepHistory(change.entity, id: change.id, field: change.field, text: .string(local), hlc: current.clocks[change.field], reason: "conflict")
            try writer.withQueueing {
                _ = try writer.set(.note, id: copy, [
                    "paper_id": paperID, "body": .string(local), "created_at": now, "updated_at": now, "trashed": .bool(false),
                    "conflict_of": .string(change.id),
                    "title": .string("Conflict copy of \(change.entity) \(change.id.suffix(8)) from \(device) on \(day)"),
                ])
            }
            report.conflictCopies.append(copy)
        }
    }

    static func setTextBase(_ db: Database, _ entity: Entity, _ id: String, _ field: String, rev: Int64, text: JSONValue) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO text_base (entity, id, field, rev, text) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [entity.rawValue, id, field, rev, text.stringValue])
    }

    /// Drops the batch in flight because the server refused it whole (its clocks
    /// were too far ahead): its numbers are given again, and every waiting change
    /// stamped later than `correctedNow` is stamped again with the corrected clock,
    /// so that a bad clock never reaches shared state.
    public func restampAfterClockSkew(correctedNow: UInt64) throws -> Int {
        try dbQueue.write { db in
            if let batch = try Library.storedBatch(db) {
                try Schema.setMeta(db, SyncMeta.lastNseq, String(batch.firstNseq - 1))
                try db.execute(sql: "DELETE FROM sync_batch")
            }
            let node = try Schema.nodeID(db)
            var clock = HybridClock(node: node, last: HLC(millis: correctedNow, counter: 0, node: node))
            var restamped = 0
            for row in try Row.fetchAll(db, sql: "SELECT entity, id, fields FROM outbox ORDER BY seq") {
                guard let entity = Entity(rawValue: row[0]) else { continue }
                let id: String = row[1]
                if let purge = try String.fetchOne(db, sql: "SELECT hlc FROM tombstone WHERE entity = ? AND id = ?", arguments: [entity.rawValue, id]).flatMap(HLC.init) {
                    if purge.millis > correctedNow {
                        try db.execute(sql: "UPDATE tombstone SET hlc = ? WHERE entity = ? AND id = ?",
                                       arguments: [clock.now(wallMillis: correctedNow).description, entity.rawValue, id])
                        restamped += 1
                    }
                    continue
                }
                guard let record = try StoredRecord.fetch(db, entity: entity, id: id) else { continue }
                var clocks = record.clocks
                for field in (row[2] as String).split(separator: ",").map(String.init) {
                    if let hlc = clocks[field], hlc.millis > correctedNow {
                        clocks[field] = clock.now(wallMillis: correctedNow)
                        restamped += 1
                    }
                }
                try db.execute(sql: "UPDATE \(entity.table) SET clocks = ? WHERE id = ?", arguments: [StoredRecord.encodeClocks(clocks), id])
            }
            try Schema.setMeta(db, "hlc", clock.last.description)
            return restamped
        }
    }

    // MARK: - Pull

    /// Applies one pulled page and stores its cursor, in one transaction: a page
    /// that fails to apply changes nothing, not even the cursor.
    ///
    /// Plain fields merge by last writer wins; a purge deletes the record for good;
    /// text fields take the server's revision unless a local edit of them is
    /// waiting to be sent (the push will then be asked to rebase); fields and
    /// records of kinds this version does not know are kept as they are.
    ///
    /// - Parameter deferringSearchIndex: leave the search index alone, to be rebuilt
    ///   in one statement by ``rebuildSearchIndexIfDeferred()`` once the last page is in
    ///   (a first sync: indexing 100,000 papers at once is cheaper than page by page,
    ///   where every note that arrives indexes its paper again). Until then the
    ///   library notes that the index is to be rebuilt, and opening it does so.
    @discardableResult
    public func applyPulled(_ changes: [IncomingChange], cursor: Int64, epoch: String, deferringSearchIndex: Bool = false) throws -> PullReport {
        try applyPulled(PulledRecords(changes), cursor: cursor, epoch: epoch, deferringSearchIndex: deferringSearchIndex)
    }

    /// Applies pulled changes already grouped by record (see ``applyPulled(_:cursor:epoch:deferringSearchIndex:)``).
    @discardableResult
    public func applyPulled(_ records: PulledRecords, cursor: Int64, epoch: String, deferringSearchIndex: Bool = false) throws -> PullReport {
        try write { writer in
            let db = writer.db
            if deferringSearchIndex, !writer.searchIndexDeferred {
                try Schema.setMeta(db, Schema.searchIndexDeferredKey, "1")
                writer.searchIndexDeferred = true
            }
            writer.queueing = false
            writer.requeueLosing = try Schema.meta(db, SyncMeta.resyncing) == "1"
            defer { writer.queueing = true; writer.requeueLosing = false }
            var report = PullReport()
            report.received = records.changeCount
            for (index, recordGroup) in records.groups.enumerated() {
                if index == records.groups.count / 2 { try writer.crashPoints?.pass(.midPageApply) }
                let group = recordGroup.changes
                guard let first = group.first else { continue }
                guard let entity = Entity(rawValue: recordGroup.entity) else {
                    for change in group { try Library.mergeForeign(writer, change) }
                    continue
                }
                var fields: [String: Stamped] = [:]
                // A page holds one value per field, but pages applied together may hold a
                // field twice: the later text revision, or else the later clock, wins.
                var texts: [String: (rev: Int64, value: JSONValue)] = [:]
                var pending: Set<String>?
                for change in group {
                    if change.field != Entity.purgedField, entity.field(named: change.field) == nil {
                        try Library.mergeForeign(writer, change)
                        continue
                    }
                    if entity.isMergedText(change.field) {
                        if pending == nil {
                            pending = Set((try String.fetchOne(db.cachedStatement(sql: "SELECT fields FROM outbox WHERE entity = ? AND id = ?"),
                                                               arguments: [entity.rawValue, change.id]) ?? "").split(separator: ",").map(String.init))
                        }
                        if pending?.contains(change.field) == true {
                            writer.clock.receive(change.hlc)
                            report.heldForRebase += 1
                            continue
                        }
                        let rev = change.rev ?? 0
                        let base = try Int64.fetchOne(db.cachedStatement(sql: "SELECT rev FROM text_base WHERE entity = ? AND id = ? AND field = ?"),
                                                      arguments: [entity.rawValue, change.id, change.field])
                        if let base, rev < base { writer.clock.receive(change.hlc); continue }
                        if let held = texts[change.field], held.rev >= rev { continue }
                        texts[change.field] = (rev, change.value)
                    } else if let held = fields[change.field], held.hlc >= change.hlc {
                        continue
                    }
                    fields[change.field] = Stamped(change.value, at: change.hlc)
                }
                guard !fields.isEmpty else { continue }
                let record = SyncRecord(entity: entity, id: first.id, fields: fields)
                switch try writer.merge(record, overriding: Set(texts.keys)) {
                case .created: report.created += 1
                case .updated(let names): if names == [Entity.purgedField] { report.purged += 1 } else { report.updated += 1 }
                case .unchanged: break
                }
                if try writer.purgeClock(entity, id: first.id) == nil {
                    for (field, text) in texts {
                        try Library.setTextBase(db, entity, first.id, field, rev: text.rev, text: text.value)
                    }
                }
            }
            try writer.crashPoints?.pass(.afterApplyBeforeCursor)
            try Schema.setMeta(db, SyncMeta.cursor, String(cursor))
            try Schema.setMeta(db, SyncMeta.epoch, epoch)
            return report
        }
    }

    /// Last writer wins on a field this version does not know. Returns whether it was stored.
    @discardableResult
    static func mergeForeign(_ writer: ChangeWriter, _ change: IncomingChange) throws -> Bool {
        writer.clock.receive(change.hlc)
        if let entity = Entity(rawValue: change.entity), try writer.purgeClock(entity, id: change.id) != nil { return false }
        let stored = try String.fetchOne(writer.db.cachedStatement(sql: "SELECT hlc FROM foreign_field WHERE entity = ? AND id = ? AND field = ?"),
                                         arguments: [change.entity, change.id, change.field]).flatMap(HLC.init)
        if let stored, !(change.hlc > stored) { return false }
        try writer.db.cachedStatement(sql: "INSERT OR REPLACE INTO foreign_field (entity, id, field, value, hlc) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [change.entity, change.id, change.field, change.value.canonicalJSON, change.hlc.description])
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
