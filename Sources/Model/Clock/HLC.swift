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

    /// Creates a value from its fields.
    public init(millis: UInt64, counter: UInt16, node: NodeID) {
        self.millis = min(millis, HLC.maxMillis)
        self.counter = counter
        self.node = node
    }

    /// Parses `"<13-digit ms>-<4 hex counter>-<16 hex node>"`.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ HLC.parse($0) }) else { return nil }
        self = parsed
    }

    /// Byte-level parser: clocks are read for every field of every record in a backup.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> HLC? {
        guard bytes.count == 35, bytes[13] == UInt8(ascii: "-"), bytes[18] == UInt8(ascii: "-") else { return nil }
        var millis: UInt64 = 0
        for i in 0..<13 {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            millis = millis * 10 + UInt64(digit)
        }
        func hex(_ range: Range<Int>) -> UInt64? {
            var value: UInt64 = 0
            for i in range {
                let byte = bytes[i]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt64(digit)
            }
            return value
        }
        guard let counter = hex(14..<18), let node = hex(19..<35) else { return nil }
        return HLC(millis: millis, counter: UInt16(counter), node: NodeID(rawValue: node))
    }

    /// The fixed-width text form, e.g. `1732660000123-0004-8f3a1b2c3d4e5f60`.
    public var description: String {
        String(unsafeUninitializedCapacity: 35) { buffer in
            let hexDigits: StaticString = "0123456789abcdef"
            var value = millis
            for i in stride(from: 12, through: 0, by: -1) {
                buffer[i] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            buffer[13] = UInt8(ascii: "-")
            for i in 0..<4 { buffer[14 + i] = hexDigits.utf8Start[Int((counter >> (4 * (3 - i))) & 0xF)] }
            buffer[18] = UInt8(ascii: "-")
            for i in 0..<16 { buffer[19 + i] = hexDigits.utf8Start[Int((node.rawValue >> UInt64(4 * (15 - i))) & 0xF)] }
            return 35
        }
    }

    /// Clock order: milliseconds, then counter, then node id.
    public static func < (lhs: HLC, rhs: HLC) -> Bool {
        (lhs.millis, lhs.counter, lhs.node.rawValue) < (rhs.millis, rhs.counter, rhs.node.rawValue)
    }
}
