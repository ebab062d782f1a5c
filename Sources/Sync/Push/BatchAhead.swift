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

    /// The number of its last change.
    package var lastNseq: Int64 { firstNseq + Int64(changes.count) - 1 }
}
