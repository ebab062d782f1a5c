import Foundation

/// Device tokens: 256 random bits, shown once; the server keeps only their SHA-256.
public enum DeviceTokens {
    /// A new token: `rdr_` and 43 base64url characters (256 bits).
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<4 {
            let word: UInt64 = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "rdr_" + base64
    }

    /// Whether a library or device name is acceptable: 1 to 64 characters of
    /// letters, digits, `.`, `_` and `-` (names appear in paths and logs).
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy {
            (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
        }
    }
}
