/// The identity of one copy of a library database.
///
/// Every copy of a library gets 64 random bits when it is created; a copied or
/// restored database gets a new one. The node id sits in the low bits of every
/// ``HLC`` it stamps, so it breaks ties between two copies writing in the same
/// millisecond.
///
/// ```swift
/// let node = NodeID(hex: "8f3a1b2c3d4e5f60")
/// print(node!)   // 8f3a1b2c3d4e5f60
/// ```
public struct NodeID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 64 bits.
    public var rawValue: UInt64

    /// Creates a value from its fields.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Parses the fixed-width form: 16 lower- or upper-case hex digits.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 16, let value = UInt64(hex, radix: 16) else { return nil }
        self.rawValue = value
    }

    /// A fresh random node id, for a newly created library copy.
    public static func random() -> NodeID {
        var generator = SystemRandomNumberGenerator()
        return NodeID(rawValue: generator.next())
    }

    /// The 16-digit lower-case hex form used inside an HLC's text form.
    public var description: String {
        let text = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - text.utf8.count) + text
    }

    /// Numeric order.
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
}
