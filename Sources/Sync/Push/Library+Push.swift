import Foundation
import Model
import Storage
import SyncWire

/// The client's push decisions: what goes into a batch, what a receipt means for
/// each change sent, how a text edited from an old revision is merged, and how
/// clocks from a machine that ran ahead are stamped again. Storage keeps the
/// outbox and the batch; the rules live here and in ``Model/FieldRules``.
extension Library {
    /// Forms the next batch from the outbox, oldest records first: numbers its
    /// changes after the last `nseq`, writes the request body, and stores it before
    /// anything is sent. Gives the batch in flight if there is one; nil when nothing waits.
    ///
    /// A change every server would refuse (``Model/FieldRules``) is set aside, so
    /// that the rest still syncs.
    ///
    /// - Parameters:
    ///   - maxChanges: the most changes in one batch.
    ///   - maxBytes: a bound on the body's size (estimated from the values' sizes).
    ///   - ahead: a batch formed ahead (``formBatch(after:maxChanges:maxBytes:)``),
    ///     stored as it is if the outbox has not moved since; otherwise formed again.
    package func formBatch(maxChanges: Int, maxBytes: Int, ahead: BatchAhead? = nil) throws -> OutgoingBatch? {
        try syncTransaction { tx in
            // A batch left in flight by an earlier sync is read back from its body.
            if let batch = try tx.batchInFlight() { return try OutgoingBatch(reading: batch) }
            let lastNseq = try tx.number(.lastNseq)
            if let ahead, ahead.firstNseq == lastNseq + 1, try tx.outboxSeqs(limit: ahead.covered.count) == ahead.covered {
                // The oldest rows are exactly those it covers: nothing was edited,
                // queued before them or set aside since it was formed.
                return try store(ahead, tx)
            }
            let formed = try collect(after: 0, firstNseq: lastNseq + 1, maxChanges: maxChanges, maxBytes: maxBytes, tx)
            for change in formed.refused {
                try tx.hold(entity: change.change.entity.rawValue, id: change.change.id, field: change.change.field, reason: change.reason)
            }
            guard !formed.covered.isEmpty else { return nil }
            if formed.changes.isEmpty {
                // Rows whose records vanished (nothing to send): drop them.
                try tx.deleteOutboxRows(formed.covered)
                return nil
            }
            return try store(BatchAhead(node: try tx.nodeID(), firstNseq: lastNseq + 1, changes: formed.changes, covered: formed.covered), tx)
        }
    }

    /// Forms the batch that follows `batch` (in flight) without storing it, so that
    /// the client prepares it while the server applies the one before: a first push
    /// of a whole library otherwise has its two sides take turns. Nil when nothing
    /// follows, or when a change would be set aside (the next ``formBatch`` does that).
    package func formBatch(after batch: OutgoingBatch, maxChanges: Int, maxBytes: Int) throws -> BatchAhead? {
        try syncTransaction { tx in
            guard try tx.keyOfBatchInFlight() == batch.key, let last = try tx.outboxRowsOfBatchInFlight().max() else { return nil }
            let formed = try collect(after: last, firstNseq: batch.lastNseq + 1, maxChanges: maxChanges, maxBytes: maxBytes, tx)
            guard formed.refused.isEmpty, !formed.changes.isEmpty else { return nil }
            return BatchAhead(node: try tx.nodeID(), firstNseq: batch.lastNseq + 1, changes: formed.changes, covered: formed.covered)
        }
    }

    /// The changes of the oldest outbox rows after `seq` that fit a batch, numbered
    /// from `firstNseq`; the changes a server would refuse are left out and listed.
    private func collect(after seq: Int64, firstNseq: Int64, maxChanges: Int, maxBytes: Int, _ tx: SyncTransaction) throws
        -> (changes: [PushedChange], covered: [Int64], refused: [(change: FieldChange, reason: String)]) {
        var nseq = firstNseq - 1
        var changes: [PushedChange] = []
        var covered: [Int64] = []
        var refused: [(change: FieldChange, reason: String)] = []
        var bytes = 100
        try tx.forEachOutboxRow(after: seq) { row in
            var rowChanges: [PushedChange] = []
            for change in try tx.changes(of: row) {
                if let problem = FieldRules.problem(entity: change.entity.rawValue, field: change.field, value: change.value, hlc: change.hlc) {
                    refused.append((change, problem.description))
                    continue
                }
                var baseRev: Int64?
                if change.entity.isMergedText(change.field) {
                    baseRev = try tx.textBase(change.entity, id: change.id, field: change.field)?.rev ?? 0
                }
                rowChanges.append(PushedChange(nseq: 0, entity: change.entity.rawValue, id: change.id, field: change.field,
                                               value: change.value, hlc: change.hlc, baseRev: baseRev))
            }
            let size = rowChanges.reduce(0) { $0 + 200 + $1.value.canonicalJSON.utf8.count }
            if !changes.isEmpty, changes.count + rowChanges.count > maxChanges || bytes + size > maxBytes { return false }
            for var change in rowChanges {
                nseq += 1
                change.nseq = nseq
                changes.append(change)
            }
            bytes += size
            covered.append(row.seq)
            return true
        }
        return (changes, covered, refused)
    }

    private func store(_ formed: BatchAhead, _ tx: SyncTransaction) throws -> OutgoingBatch {
        let batch = StoredBatch(key: UUID().uuidString.lowercased(), firstNseq: formed.firstNseq, lastNseq: formed.lastNseq, body: formed.body)
        try tx.storeBatch(batch, outboxRows: formed.covered)
        try tx.setMeta(.lastNseq, String(formed.lastNseq))
        return OutgoingBatch(stored: batch, changes: formed.changes)
    }

    /// The server refused the batch in flight because of one of its changes
    /// (`changes[N]` in its answer): that change is set aside, the batch dropped
    /// (its numbers given again) and the rest stays queued for the next batch.
    /// Returns whether a change was set aside.
    package func setAside(changeAt index: Int, of batch: OutgoingBatch, reason: String) throws -> Bool {
        guard batch.changes.indices.contains(index) else { return false }
        let change = batch.changes[index]
        return try syncTransaction { tx in
            guard let stored = try tx.batchInFlight(), stored.key == batch.key else { return false }
            try tx.setMeta(.lastNseq, String(batch.firstNseq - 1))
            try tx.dropBatch()
            try tx.hold(entity: change.entity, id: change.id, field: change.field, reason: reason)
            return true
        }
    }

    /// Takes the server's receipt for the batch in flight, in one transaction: the
    /// outbox rows it covered are done (unless changed again since), text bases
    /// move to the new revisions, texts edited from an old revision are merged by
    /// lines with the server's (a clean merge is queued again; overlapping edits
    /// keep the server's text and save the local one as a conflict-copy note).
    /// A receipt for a batch no longer in flight changes nothing.
    ///
    /// - Parameter device: names the device in a conflict copy's title.
    /// - Returns: how many changes the batch held, and what acknowledging did.
    package func acknowledge(_ batch: OutgoingBatch, receipt: PushReceipt, device: String) throws -> (sent: Int, report: AcknowledgeReport) {
        let results = Dictionary(receipt.results.map { ($0.nseq, $0) }, uniquingKeysWith: { first, _ in first })
        let report = try syncTransaction { tx in
            guard let stored = try tx.batchInFlight(), stored.key == batch.key else { return AcknowledgeReport() }
            try tx.deleteOutboxRows(try tx.outboxRowsOfBatchInFlight())
            try tx.dropBatch()
            try tx.setMeta(.ackedNseq, String(receipt.ackedThroughNseq))
            var report = AcknowledgeReport()
            tx.queueing = false
            defer { tx.queueing = true }
            for change in batch.changes {
                guard let entity = Entity(rawValue: change.entity) else { continue }
                switch results[change.nseq] {
                case let result? where result.outcome == .applied:
                    report.applied += 1
                    if let rev = result.rev, entity.isMergedText(change.field) {
                        try tx.setTextBase(entity, id: change.id, field: change.field, rev: rev, text: change.value)
                    }
                case let result? where result.outcome == .rebaseRequired:
                    report.rebased += 1
                    try rebase(tx, entity, change, serverText: result.value ?? .null, rev: result.rev ?? 0, hlc: result.hlc,
                               device: device, report: &report)
                case let result? where result.outcome == .rejected:
                    report.rejected.append("\(entity) \(change.id.prefix(8)) \(change.field): \(result.reason ?? "no reason given")")
                default:
                    report.superseded += 1
                }
            }
            return report
        }
        return (batch.changes.count, report)
    }

    /// Merges a text edited from an old revision with the server's by lines: a
    /// clean merge is queued again; overlapping edits keep the server's text and
    /// save the local one in a conflict-copy note (and in the text's history).
    private func rebase(_ tx: SyncTransaction, _ entity: Entity, _ change: PushedChange, serverText: JSONValue, rev: Int64, hlc: HLC?,
                        device: String, report: inout AcknowledgeReport) throws {
        guard let current = try tx.record(entity, id: change.id) else { return }
        let local = current.values[change.field]?.stringValue ?? ""
        let server = serverText.stringValue ?? ""
        let base = try tx.textBase(entity, id: change.id, field: change.field)?.text ?? ""
        // Take the server's text (and clock) first, without queueing: it is shared state.
        if let hlc {
            try tx.merge(SyncRecord(entity: entity, id: change.id, fields: [change.field: Stamped(serverText, at: hlc)]), overriding: [change.field])
        }
        try tx.setTextBase(entity, id: change.id, field: change.field, rev: rev, text: serverText)
        switch LineMerge.merge(base: base, local: local, remote: server) {
        case .merged(let text):
            guard text != server else { return }
            report.merged += 1
            try tx.setQueued(entity, id: change.id, [change.field: .string(text)])
        case .conflict:
            let copy = tx.newID()
            let now = JSONValue.int(Int64(tx.wallMillis))
            let day = ISO8601DateFormatter.string(from: Date(timeIntervalSince1970: Double(tx.wallMillis) / 1000),
                                                  timeZone: .current, formatOptions: [.withFullDate])
            try tx.keepHistory(entity, id: change.id, field: change.field, text: .string(local), hlc: current.clocks[change.field], reason: "conflict")
            try tx.setQueued(.note, id: copy, [
                "paper_id": current.values["paper_id"] ?? .null, "body": .string(local), "created_at": now, "updated_at": now,
                "trashed": .bool(false), "conflict_of": .string(change.id),
                "title": .string("Conflict copy of \(entity) \(change.id.suffix(8)) from \(device) on \(day)"),
            ])
            report.conflictCopies.append(copy)
        }
    }

    /// Drops the batch in flight because the server refused it whole (its clocks
    /// were too far ahead): its numbers are given again, and every waiting change
    /// stamped later than `correctedNow` is stamped again with the corrected clock,
    /// so that a bad clock never reaches shared state. Returns how many were.
    package func restampAfterClockSkew(correctedNow: UInt64) throws -> Int {
        try syncTransaction { tx in
            if let batch = try tx.batchInFlight() {
                try tx.setMeta(.lastNseq, String(batch.firstNseq - 1))
                try tx.dropBatch()
            }
            let node = try tx.nodeID()
            var clock = HybridClock(node: node, last: HLC(millis: correctedNow, counter: 0, node: node))
            var restamped = 0
            // Re-stamping writes records and tombstones, never the outbox it reads.
            try tx.forEachOutboxRow { row in
                guard let entity = Entity(rawValue: row.entity) else { return true }
                if let purge = try tx.purgeClock(entity, id: row.id) {
                    if purge.millis > correctedNow {
                        try tx.setPurgeClock(entity, id: row.id, clock.now(wallMillis: correctedNow))
                        restamped += 1
                    }
                    return true
                }
                guard var clocks = try tx.record(entity, id: row.id)?.clocks else { return true }
                var changed = false
                for field in row.fields {
                    if let hlc = clocks[field], hlc.millis > correctedNow {
                        clocks[field] = clock.now(wallMillis: correctedNow)
                        restamped += 1
                        changed = true
                    }
                }
                if changed { try tx.setClocks(entity, id: row.id, clocks) }
                return true
            }
            try tx.setLastClock(clock.last)
            return restamped
        }
    }
}
