import Model
import Synchronization
import SyncWire

/// One push's writes in its group's transaction on the PostgreSQL store (see
/// ``PostgresPushGroup``): kept here, and handed to the group only when the push
/// succeeds (``released()``), so that a push that fails leaves nothing behind
/// without a savepoint.
final class PostgresPushTransaction: PushTransaction {
    let group: PostgresPushGroup
    private let written = Mutex<(writes: [StoreWrite], finish: PendingPushWrites.Finish?)>(([], nil))

    init(group: PostgresPushGroup) {
        self.group = group
    }

    func apply(_ writes: [StoreWrite], pushedBy node: NodeID) async throws {
        written.withLock { $0.writes += writes }
    }

    func finish(headSeq: Int64, node: NodeID, lastNseq: Int64, receipt: StoredReceipt) async throws {
        written.withLock { $0.finish = PendingPushWrites.Finish(headSeq: headSeq, node: node, lastNseq: lastNseq, receipt: receipt) }
    }

    /// Called once the push has succeeded: its writes join the group's.
    func released() {
        let (writes, finish) = written.withLock { $0 }
        guard let finish else { return }
        group.add(writes, finish: finish)
    }
}
