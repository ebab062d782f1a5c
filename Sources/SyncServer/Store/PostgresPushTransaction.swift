import Foundation
import Logging
import Model
import PostgresNIO
import SyncWire

/// One push's transaction on the PostgreSQL store: each call is one statement on
/// the connection ``PostgresSyncStore/push(library:_:)`` opened the transaction on,
/// after it locked the library's counter row. A batch's writes go as arrays
/// (`unnest`), so that a push of 1,000 changes is a handful of round trips.
struct PostgresPushTransaction: PushTransaction {
    let connection: PostgresConnection
    let library: Int64
    /// The library's `seq` when the lock was taken: no other push can change it now.
    let head: Int64
    let logger: Logger

    /// Stands for SQL NULL in a `bigint[]` of revisions (PostgresNIO binds no optional elements).
    static let noRevision = Int64.min

    func receipt(forKey key: String) async throws -> StoredReceipt? {
        let rows = try await connection.query("""
            SELECT node_id, body_hash, first_nseq, last_nseq, body FROM push_receipt
            WHERE library_id = \(library) AND idempotency_key = \(key)
            """, logger: logger)
        for try await (nodeText, hash, first, last, body) in rows.decode((String, Data, Int64, Int64, String).self) {
            guard let node = NodeID(hex: nodeText) else { return nil }
            return StoredReceipt(key: key, node: node, bodyHash: Array(hash), firstNseq: first, lastNseq: last, body: body)
        }
        return nil
    }

    func lastNseq(of node: NodeID) async throws -> Int64 {
        let rows = try await connection.query(
            "SELECT last_nseq FROM node WHERE library_id = \(library) AND node_id = \(node.description)", logger: logger)
        for try await last in rows.decode(Int64.self) { return last }
        return 0
    }

    func headSeq() async throws -> Int64 { head }

    func fields(of records: Set<RecordKey>) async throws -> [RecordKey: [String: PulledChange]] {
        guard !records.isEmpty else { return [:] }
        let keys = Array(records)
        let rows = try await connection.query("""
            SELECT f.entity, f.record_id, f.field, f.value, f.hlc, f.seq, f.rev
            FROM unnest(\(keys.map(\.entity))::text[], \(keys.map(\.id))::text[]) AS k(entity, record_id)
            JOIN field_state f ON f.library_id = \(library) AND f.entity = k.entity AND f.record_id = k.record_id
            """, logger: logger)
        var result: [RecordKey: [String: PulledChange]] = [:]
        for try await (entity, id, field, value, hlcText, seq, rev) in rows.decode((String, String, String, String, String, Int64, Int64?).self) {
            guard let hlc = HLC(hlcText) else { throw StoreError("a stored clock is damaged: \(hlcText)") }
            result[RecordKey(entity: entity, id: id), default: [:]][field] =
                PulledChange(seq: seq, entity: entity, id: id, field: field, value: try JSONValue(parsing: value), hlc: hlc, rev: rev)
        }
        return result
    }

    /// Field writes go in batches of the latest state per field (a later write of a
    /// field replaces an earlier one, as the row would); a purge's clear runs in its
    /// place in the order. Text revisions go to their own table in one statement.
    func apply(_ writes: [StoreWrite], pushedBy node: NodeID) async throws {
        let node = node.description
        var fields: [FieldKey: PulledChange] = [:]
        var order: [FieldKey] = []
        var revisions: [RevisionKey: (RecordKey, String, TextRevision)] = [:]

        func flushFields() async throws {
            guard !order.isEmpty else { return }
            let states = order.compactMap { fields[$0] }
            fields = [:]; order = []
            try await connection.query("""
                INSERT INTO field_state(library_id, entity, record_id, field, value, hlc, seq, rev, node_id)
                SELECT \(library), w.entity, w.record_id, w.field, w.value, w.hlc, w.seq, NULLIF(w.rev, \(Self.noRevision)), \(node)
                FROM unnest(\(states.map(\.entity))::text[], \(states.map(\.id))::text[], \(states.map(\.field))::text[],
                            \(states.map(\.value.canonicalJSON))::text[], \(states.map(\.hlc.description))::text[],
                            \(states.map(\.seq))::bigint[], \(states.map { $0.rev ?? Self.noRevision })::bigint[])
                     AS w(entity, record_id, field, value, hlc, seq, rev)
                ON CONFLICT (library_id, entity, record_id, field) DO UPDATE SET
                    value = excluded.value, hlc = excluded.hlc, seq = excluded.seq, rev = excluded.rev, node_id = excluded.node_id
                """, logger: logger)
        }

        for write in writes {
            switch write {
            case .field(let state):
                let key = FieldKey(entity: state.entity, id: state.id, field: state.field)
                if fields.updateValue(state, forKey: key) == nil { order.append(key) }
            case .clear(let record, let keeping):
                try await flushFields()
                try await connection.query("""
                    DELETE FROM field_state WHERE library_id = \(library) AND entity = \(record.entity)
                      AND record_id = \(record.id) AND field <> \(keeping)
                    """, logger: logger)
            case .revision(let record, let field, let revision):
                revisions[RevisionKey(record: record, field: field, rev: revision.rev)] = (record, field, revision)
            }
        }
        try await flushFields()
        guard !revisions.isEmpty else { return }
        let all = Array(revisions.values)
        try await connection.query("""
            INSERT INTO text_revision(library_id, entity, record_id, field, rev, value, hlc, seq, node_id)
            SELECT \(library), r.entity, r.record_id, r.field, r.rev, r.value, r.hlc, r.seq, r.node_id
            FROM unnest(\(all.map(\.0.entity))::text[], \(all.map(\.0.id))::text[], \(all.map(\.1))::text[], \(all.map(\.2.rev))::bigint[],
                        \(all.map(\.2.value.canonicalJSON))::text[], \(all.map(\.2.hlc.description))::text[], \(all.map(\.2.seq))::bigint[],
                        \(all.map(\.2.node.description))::text[])
                 AS r(entity, record_id, field, rev, value, hlc, seq, node_id)
            ON CONFLICT (library_id, entity, record_id, field, rev) DO UPDATE SET
                value = excluded.value, hlc = excluded.hlc, seq = excluded.seq, node_id = excluded.node_id
            """, logger: logger)
    }

    /// One statement (one round trip while the library's row is locked): the head,
    /// the node's `nseq`, the receipt, the receipts beyond the kept ones, and the
    /// notification. Its parts see the rows as they were before it: the receipt
    /// written here is the node's newest, so keeping the newest `kept - 1` of the
    /// earlier ones keeps `kept` in all.
    func finish(headSeq: Int64, node: NodeID, lastNseq: Int64, receipt: StoredReceipt) async throws {
        let node = node.description
        try await connection.query("""
            WITH head AS (UPDATE library SET seq = \(headSeq) WHERE id = \(library)),
            acknowledged AS (
                INSERT INTO node(library_id, node_id, last_nseq) VALUES (\(library), \(node), \(lastNseq))
                ON CONFLICT (library_id, node_id) DO UPDATE SET last_nseq = excluded.last_nseq),
            stored AS (
                INSERT INTO push_receipt(library_id, idempotency_key, node_id, body_hash, first_nseq, last_nseq, body)
                VALUES (\(library), \(receipt.key), \(node), \(Data(receipt.bodyHash)), \(receipt.firstNseq), \(receipt.lastNseq), \(receipt.body))),
            dropped AS (
                DELETE FROM push_receipt WHERE library_id = \(library) AND node_id = \(node) AND last_nseq <= (
                    SELECT last_nseq FROM push_receipt WHERE library_id = \(library) AND node_id = \(node)
                    ORDER BY last_nseq DESC LIMIT 1 OFFSET \(Int64(SQLiteSyncStore.receiptsKeptPerNode - 1))))
            SELECT pg_notify(\(PostgresSyncStore.pushChannel), \(String(library)))
            """, logger: logger)
        // The notification is delivered at COMMIT, to every instance listening (none
        // if the push rolls back).
    }

    struct FieldKey: Hashable {
        let entity: String, id: String, field: String
    }

    struct RevisionKey: Hashable {
        let record: RecordKey, field: String, rev: Int64
    }
}
