import Model
import SyncWire

/// What the pushes of a group have written and not yet sent to the database: the
/// PostgreSQL store sends them in a few statements when the group ends, instead of
/// several round trips per push while the library's counter row is locked.
///
/// A later push of the group reads the database through it (``overlaying(_:records:)``),
/// so that it sees what the earlier ones wrote, as it would after their statements.
/// A push that fails is never added: nothing of it reaches the database.
struct PendingPushWrites: Sendable {
    /// Each field's latest state and the node that wrote it, by record.
    private(set) var fields: [RecordKey: [String: (state: PulledChange, node: String)]] = [:]
    /// Records purged in the group: every stored field but the one kept goes.
    private(set) var cleared: [RecordKey: String] = [:]
    /// Accepted texts, by record, field and revision.
    private(set) var revisions: [RevisionKey: (record: RecordKey, field: String, revision: TextRevision)] = [:]
    /// The last `nseq` acknowledged from each node that pushed.
    private(set) var lastNseqs: [String: Int64] = [:]
    /// The receipts of the group's pushes, by idempotency key.
    private(set) var receipts: [String: StoredReceipt] = [:]
    /// The library's `seq` after the group's pushes so far.
    private(set) var head: Int64

    struct RevisionKey: Hashable, Sendable {
        let record: RecordKey, field: String, rev: Int64
    }

    init(head: Int64) { self.head = head }

    /// Whether a push has finished in the group (there is something to send).
    var isEmpty: Bool { receipts.isEmpty }

    /// Adds one push's writes, in their order, and its finish.
    mutating func add(_ writes: [StoreWrite], pushedBy node: NodeID, finish: Finish) {
        let node = node.description
        for write in writes {
            switch write {
            case .field(let state):
                fields[RecordKey(entity: state.entity, id: state.id), default: [:]][state.field] = (state, node)
            case .clear(let record, let keeping):
                cleared[record] = keeping
                fields[record] = fields[record]?.filter { $0.key == keeping }
            case .revision(let record, let field, let revision):
                revisions[RevisionKey(record: record, field: field, rev: revision.rev)] = (record, field, revision)
            }
        }
        head = finish.headSeq
        lastNseqs[finish.node.description] = finish.lastNseq
        receipts[finish.receipt.key] = finish.receipt
    }

    /// A push's closing step (``PushTransaction/finish(headSeq:node:lastNseq:receipt:)``).
    struct Finish: Sendable {
        let headSeq: Int64, node: NodeID, lastNseq: Int64, receipt: StoredReceipt
    }

    /// `stored`, the database's fields of `records`, as they are once the group's
    /// writes are applied.
    func overlaying(_ stored: [RecordKey: [String: PulledChange]], records: Set<RecordKey>) -> [RecordKey: [String: PulledChange]] {
        guard !fields.isEmpty || !cleared.isEmpty else { return stored }
        var result = stored
        for record in records {
            var current = stored[record] ?? [:]
            if let keeping = cleared[record] { current = current.filter { $0.key == keeping } }
            for (field, written) in fields[record] ?? [:] { current[field] = written.state }
            result[record] = current.isEmpty ? nil : current
        }
        return result
    }

    /// The field states to store, flattened.
    var fieldStates: [(state: PulledChange, node: String)] { fields.values.flatMap(\.values) }
}
