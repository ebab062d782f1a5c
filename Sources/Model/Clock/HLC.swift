/// A hybrid logical clock timestamp: wall-clock milliseconds, a counter and a node id.
///
/// Every field change is stamped with one. Comparing two timestamps decides which
/// write to a field wins (last writer wins); the node id breaks ties, so two
/// different copies never produce equal timestamps.
///
/// The text form is fixed width, so that string order equals clock order and the
/// database can sort and compare clocks as plain text:
///
/// ```swift
/// let hlc = HLC("1732660000123-0004-8f3a1b2c3d4e5f60")!
/// hlc.millis   // 1732660000123
/// hlc.counter  // 4
/// ```
public struct HLC: Hashable, Comparable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// The largest millisecond value that fits the 13-digit text form (year 2286).
    public static let maxMillis: UInt64 = 9_999_999_999_999

    /// Wall-clock milliseconds since 1970 (48 bits are enough until the year 10889;
    /// the text form caps them at 13 digits).
    public var millis: UInt64
    /// Orders events within one millisecond.
    public var counter: UInt16
    /// The library copy that made the timestamp.
    public var node: NodeID

    public init(millis: UInt64, counter: UInt16, node: NodeID) {
        self.millis = min(millis, HLC.maxMillis)
        self.counter = counter
        self.node = node
    }

    /// Parses `"<13-digit ms>-<4 hex counter>-<16 hex node>"`.
    public init?(_ text: String) {
        let utf8 = text.utf8
        guard utf8.count == 35 else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3,
              parts[0].utf8.count == 13, parts[0].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              parts[1].utf8.count == 4,
              let millis = UInt64(parts[0]),
              let counter = UInt16(parts[1], radix: 16),
              let node = NodeID(hex: parts[2])
        else { return nil }
        self.init(millis: millis, counter: counter, node: node)
    }

    /// The fixed-width text form, e.g. `1732660000123-0004-8f3a1b2c3d4e5f60`.
    public var description: String {
        FixedWidth.decimal(millis, digits: 13) + "-" + FixedWidth.hex(UInt64(counter), digits: 4) + "-" + node.description
    }

    public static func < (lhs: HLC, rhs: HLC) -> Bool {
        (lhs.millis, lhs.counter, lhs.node.rawValue) < (rhs.millis, rhs.counter, rhs.node.rawValue)
    }
}
