import Foundation
import Logging
import Model
import PostgresNIO
import Synchronization
import SyncWire

/// The transaction a group of pushes to one library shares on the PostgreSQL store
/// (see ``PostgresSyncStore/pushQueue(for:)``): its connection, which holds the lock
/// on the library's counter row, and what the group's pushes wrote so far.
///
/// What every push of the group reads is read in one query when the group begins
/// (``read(_:)``); each push then decides in memory, seeing the earlier pushes'
/// writes through ``PendingPushWrites``; what they write is sent when the group ends
/// (``flush()``), in three statements at most, before the commit. The lock on the
/// counter row is held for about six round trips per group, whatever its size, where
/// each push alone held it for its whole transaction.
final class PostgresPushGroup: Sendable {
    let connection: PostgresConnection
    let library: Int64
    let logger: Logger
    private let written: Mutex<PendingPushWrites>
    private let stored = Mutex(StoredRows())

    /// What the database held for the group's pushes when the group began.
    struct StoredRows: Sendable {
        var receipts: [String: StoredReceipt] = [:]
        var lastNseqs: [String: Int64] = [:]
        var fields: [RecordKey: [String: PulledChange]] = [:]
        var requests: Set<PushReadRequest> = []
    }

    init(connection: PostgresConnection, library: Int64, head: Int64, logger: Logger) {
        self.connection = connection
        self.library = library
        self.logger = logger
        written = Mutex(PendingPushWrites(head: head))
    }

    /// What the group's successful pushes wrote so far.
    var pending: PendingPushWrites { written.withLock { $0 } }

    /// Adds a successful push's writes.
    func add(_ writes: [StoreWrite], finish: PendingPushWrites.Finish) {
        written.withLock { $0.add(writes, pushedBy: finish.node, finish: finish) }
    }

    /// Reads, in one round trip, what these pushes read: their receipts (kind 0 rows),
    /// their nodes' last `nseq` (1) and their records' fields (2).
    func read(_ requests: [PushReadRequest]) async throws {
        let rows = try await connection.query(Self.readQuery(library: library, requests), logger: logger)
        var found = StoredRows()
        for try await (kind, a, b, c, d, e, n1, n2, bytes) in rows.decode(
            (Int32, String?, String?, String?, String?, String?, Int64?, Int64?, Data?).self) {
            switch kind {
            case 0:
                if let nodeText = a, let node = NodeID(hex: nodeText), let key = b, let body = d, let first = n1, let last = n2, let hash = bytes {
                    found.receipts[key] = StoredReceipt(key: key, node: node, bodyHash: Array(hash), firstNseq: first, lastNseq: last, body: body)
                }
            case 1:
                if let node = a, let last = n1 { found.lastNseqs[node] = last }
            default:
                guard let entity = a, let id = b, let field = c, let value = d, let hlcText = e, let seq = n1 else { continue }
                guard let hlc = HLC(hlcText) else { throw StoreError("a stored clock is damaged: \(hlcText)") }
                found.fields[RecordKey(entity: entity, id: id), default: [:]][field] =
                    PulledChange(seq: seq, entity: entity, id: id, field: field, value: try JSONValue(parsing: value), hlc: hlc, rev: n2)
            }
        }
        found.requests = Set(requests)
        stored.withLock { [found] rows in
            rows.receipts.merge(found.receipts) { $1 }
            rows.lastNseqs.merge(found.lastNseqs) { $1 }
            rows.fields.merge(found.fields) { $1 }
            rows.requests.formUnion(found.requests)
        }
    }

    /// The statement of ``read(_:)`` (its plan is pinned by `PostgresStoreTests`).
    static func readQuery(library: Int64, _ requests: [PushReadRequest]) -> PostgresQuery {
        let keys = Array(Set(requests.map(\.receiptKey)))
        let nodes = Array(Set(requests.map(\.node.description)))
        let records = Array(requests.reduce(into: Set<RecordKey>()) { $0.formUnion($1.records) })
        return """
            SELECT 0::int4, node_id, idempotency_key, NULL::text, body, NULL::text, first_nseq, last_nseq, body_hash
            FROM push_receipt WHERE library_id = \(library) AND idempotency_key = ANY(\(keys)::text[])
            UNION ALL
            SELECT 1, node_id, NULL, NULL, NULL, NULL, last_nseq, NULL, NULL
            FROM node WHERE library_id = \(library) AND node_id = ANY(\(nodes)::text[])
            UNION ALL
            SELECT 2, f.entity, f.record_id, f.field, f.value, f.hlc, f.seq, f.rev, NULL
            FROM unnest(\(records.map(\.entity))::text[], \(records.map(\.id))::text[]) AS k(entity, record_id)
            JOIN field_state f ON f.library_id = \(library) AND f.entity = k.entity AND f.record_id = k.record_id
            """
    }

    /// What `request` reads: the rows read when the group began, as the group's
    /// earlier pushes left them.
    func reading(for request: PushReadRequest) async throws -> PushReading {
        if !stored.withLock({ $0.requests.contains(request) }) { try await read([request]) }
        let rows = stored.withLock { $0 }
        let pending = self.pending
        let node = request.node.description
        return PushReading(receipt: pending.receipts[request.receiptKey] ?? rows.receipts[request.receiptKey],
                           lastNseq: pending.lastNseqs[node] ?? rows.lastNseqs[node] ?? 0, headSeq: pending.head,
                           fields: pending.overlaying(rows.fields.filter { request.records.contains($0.key) }, records: request.records))
    }

    /// Stands for SQL NULL in a `bigint[]` of revisions (PostgresNIO binds no optional elements).
    static let noRevision = Int64.min

    /// Sends the group's writes: the purges' deletions, if any, then one statement for
    /// the fields, texts, head, nodes and receipts, which also drops each node's
    /// receipts beyond the kept ones and announces the push (delivered at `COMMIT`, to
    /// every instance listening; to none if the group rolls back).
    func flush() async throws {
        let pending = self.pending
        guard !pending.isEmpty else { return }
        if !pending.cleared.isEmpty {
            let cleared = Array(pending.cleared)
            try await connection.query("""
                DELETE FROM field_state f USING unnest(\(cleared.map(\.key.entity))::text[], \(cleared.map(\.key.id))::text[],
                                                       \(cleared.map(\.value))::text[]) AS c(entity, record_id, keeping)
                WHERE f.library_id = \(library) AND f.entity = c.entity AND f.record_id = c.record_id AND f.field <> c.keeping
                """, logger: logger)
        }
        let states = pending.fieldStates
        let revisions = Array(pending.revisions.values)
        let nodes = Array(pending.lastNseqs)
        // Each node's newest receipts, as many as are kept; of its stored ones, as many
        // as leave room for them (the statement's parts see the rows as they were before it).
        let kept = SQLiteSyncStore.receiptsKeptPerNode
        let receipts = Dictionary(grouping: pending.receipts.values, by: \.node)
            .values.flatMap { $0.sorted { $0.lastNseq > $1.lastNseq }.prefix(kept) }
        let keptStored = Dictionary(grouping: receipts, by: \.node).map { (node: $0.key.description, count: Int64(kept - $0.value.count)) }
        try await connection.query("""
            WITH fields AS (
                INSERT INTO field_state(library_id, entity, record_id, field, value, hlc, seq, rev, node_id)
                SELECT \(library), w.entity, w.record_id, w.field, w.value, w.hlc, w.seq, NULLIF(w.rev, \(Self.noRevision)), w.node_id
                FROM unnest(\(states.map(\.state.entity))::text[], \(states.map(\.state.id))::text[], \(states.map(\.state.field))::text[],
                            \(states.map(\.state.value.canonicalJSON))::text[], \(states.map(\.state.hlc.description))::text[],
                            \(states.map(\.state.seq))::bigint[], \(states.map { $0.state.rev ?? Self.noRevision })::bigint[],
                            \(states.map(\.node))::text[])
                     AS w(entity, record_id, field, value, hlc, seq, rev, node_id)
                ON CONFLICT (library_id, entity, record_id, field) DO UPDATE SET
                    value = excluded.value, hlc = excluded.hlc, seq = excluded.seq, rev = excluded.rev, node_id = excluded.node_id),
            texts AS (
                INSERT INTO text_revision(library_id, entity, record_id, field, rev, value, hlc, seq, node_id)
                SELECT \(library), r.entity, r.record_id, r.field, r.rev, r.value, r.hlc, r.seq, r.node_id
                FROM unnest(\(revisions.map(\.record.entity))::text[], \(revisions.map(\.record.id))::text[], \(revisions.map(\.field))::text[],
                            \(revisions.map(\.revision.rev))::bigint[], \(revisions.map(\.revision.value.canonicalJSON))::text[],
                            \(revisions.map(\.revision.hlc.description))::text[], \(revisions.map(\.revision.seq))::bigint[],
                            \(revisions.map(\.revision.node.description))::text[])
                     AS r(entity, record_id, field, rev, value, hlc, seq, node_id)
                ON CONFLICT (library_id, entity, record_id, field, rev) DO UPDATE SET
                    value = excluded.value, hlc = excluded.hlc, seq = excluded.seq, node_id = excluded.node_id),
            head AS (UPDATE library SET seq = \(pending.head) WHERE id = \(library)),
            acknowledged AS (
                INSERT INTO node(library_id, node_id, last_nseq)
                SELECT \(library), n.node_id, n.last_nseq FROM unnest(\(nodes.map(\.key))::text[], \(nodes.map(\.value))::bigint[]) AS n(node_id, last_nseq)
                ON CONFLICT (library_id, node_id) DO UPDATE SET last_nseq = excluded.last_nseq),
            stored AS (
                INSERT INTO push_receipt(library_id, idempotency_key, node_id, body_hash, first_nseq, last_nseq, body)
                SELECT \(library), r.key, r.node_id, decode(r.body_hash, 'hex'), r.first_nseq, r.last_nseq, r.body
                FROM unnest(\(receipts.map(\.key))::text[], \(receipts.map(\.node.description))::text[],
                            \(receipts.map { SQLiteSyncStore.hex($0.bodyHash) })::text[],
                            \(receipts.map(\.firstNseq))::bigint[], \(receipts.map(\.lastNseq))::bigint[], \(receipts.map(\.body))::text[])
                     AS r(key, node_id, body_hash, first_nseq, last_nseq, body)),
            dropped AS (
                DELETE FROM push_receipt p
                USING unnest(\(keptStored.map(\.node))::text[], \(keptStored.map(\.count))::bigint[]) AS n(node_id, keeping),
                      LATERAL (SELECT o.last_nseq FROM (
                                   SELECT q.last_nseq, row_number() OVER (ORDER BY q.last_nseq DESC) AS newest FROM push_receipt q
                                   WHERE q.library_id = \(library) AND q.node_id = n.node_id) o
                               WHERE o.newest = n.keeping + 1) AS newest_dropped
                WHERE p.library_id = \(library) AND p.node_id = n.node_id AND p.last_nseq <= newest_dropped.last_nseq)
            SELECT pg_notify(\(PostgresSyncStore.pushChannel), \(String(library)))
            """, logger: logger)
    }
}
