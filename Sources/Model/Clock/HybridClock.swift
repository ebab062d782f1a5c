/// The clock that stamps this library copy's writes.
///
/// `HybridClock` is a value: it does no I/O and reads no system clock. The caller
/// passes the wall time in, persists ``last`` in the same transaction as the write
/// it stamped, and restores it on the next start. That keeps the rules testable
/// under any clock, including one that jumps backwards.
///
/// ```swift
/// var clock = HybridClock(node: node, last: storedHLC)
/// let stamp = clock.now(wallMillis: 1_732_660_000_123)
/// ```
///
/// Guarantees:
/// - every ``now(wallMillis:)`` is strictly greater than every earlier one and than
///   every clock passed to ``receive(_:)``, whatever the wall time does;
/// - it never fails: when the counter would overflow within one millisecond, the
///   milliseconds advance instead.
public struct HybridClock: Sendable, Hashable {
    /// This copy's node id, stamped into every timestamp.
    public let node: NodeID
    /// The greatest timestamp issued or received so far.
    public private(set) var last: HLC

    /// A clock for `node` that continues after `last` (or starts from zero).
    public init(node: NodeID, last: HLC? = nil) {
        self.node = node
        self.last = last ?? HLC(millis: 0, counter: 0, node: node)
    }

    /// Issues the next timestamp.
    public mutating func now(wallMillis: UInt64) -> HLC {
        let wall = min(wallMillis, HLC.maxMillis)
        let next: HLC
        if wall > last.millis {
            next = HLC(millis: wall, counter: 0, node: node)
        } else if last.counter == UInt16.max {
            next = HLC(millis: last.millis + 1, counter: 0, node: node)
        } else {
            next = HLC(millis: last.millis, counter: last.counter + 1, node: node)
        }
        last = next
        return next
    }

    /// Ratchets the clock past a timestamp seen from elsewhere, so that the next
    /// local write wins over it.
    public mutating func receive(_ remote: HLC) {
        if remote > last {
            last = HLC(millis: remote.millis, counter: remote.counter, node: node)
        }
    }
}
