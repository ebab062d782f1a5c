import Model
import SyncWire

/// A batch formed while the one before it is on the wire, not stored yet:
/// ``Storage/Library/formBatch(maxChanges:maxBytes:ahead:)`` stores it when the
/// outbox's oldest rows are still exactly the ones it covers.
package struct BatchAhead: Sendable {
    /// The node the changes are sent as.
    package let node: NodeID
    /// The number of its first change.
    package let firstNseq: Int64
    /// Its changes, numbered.
    package let changes: [PushedChange]
    /// The outbox rows it covers, oldest first.
    package let covered: [Int64]
    /// The request body, written when the batch is formed: ahead of time, that is
    /// while the server applies the batch before (it showed as a tenth of a first
    /// push's client time, between two requests).
    package let body: String

    /// Forms a batch and writes its body.
    package init(node: NodeID, firstNseq: Int64, changes: [PushedChange], covered: [Int64]) {
        self.node = node
        self.firstNseq = firstNseq
        self.changes = changes
        self.covered = covered
        self.body = PushRequest(node: node, changes: changes).jsonText
    }

    /// The number of its last change.
    package var lastNseq: Int64 { firstNseq + Int64(changes.count) - 1 }
}
