import Storage
import SyncWire

/// A batch stored and about to be sent, with the changes its body holds.
///
/// Taking its receipt matches each change to its outcome; a batch formed in this
/// process keeps the changes it was written from instead of reading its own body
/// back (that read was a tenth of a first push's client time). Only a batch left
/// in flight by an earlier, interrupted sync is read from its stored body.
package struct OutgoingBatch: Sendable {
    /// The batch as stored: key, numbers and the exact body.
    package let stored: StoredBatch
    /// Its changes, in the body's order.
    package let changes: [PushedChange]

    /// A batch just formed from `changes`, whose body is written from them.
    init(stored: StoredBatch, changes: [PushedChange]) {
        self.stored = stored
        self.changes = changes
    }

    /// A batch stored earlier, its changes read from its body.
    package init(reading stored: StoredBatch) throws {
        do {
            self.init(stored: stored, changes: try PushRequest(bytes: Array(stored.body.utf8)).changes)
        } catch {
            throw SyncError.badResponse(url: "local batch", reason: "the stored batch cannot be read: \(error)")
        }
    }

    /// The `Idempotency-Key` it is sent with.
    package var key: String { stored.key }
    /// The exact request body.
    package var body: String { stored.body }
    /// The number of its first change.
    package var firstNseq: Int64 { stored.firstNseq }
    /// The number of its last change.
    package var lastNseq: Int64 { stored.lastNseq }
}
