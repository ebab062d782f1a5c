import Crypto
import Foundation
import Testing
@testable import Model

@Suite("SHA-1 of UUIDv5 names")
struct SHA1Tests {
    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func sha1(_ bytes: [UInt8]) -> String {
        var hasher = SHA1()
        hasher.update(bytes)
        return hex(hasher.finalize())
    }

    @Test func rfc3174TestVectors() {
        #expect(Self.sha1(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Self.sha1(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(Self.sha1([]) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(Self.sha1(Array(repeating: UInt8(ascii: "a"), count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Every length from 0 to 300 bytes (each block boundary and padding case), in
    /// pieces of random sizes, against swift-crypto. The seed is printed.
    @Test func agreesWithSwiftCryptoOnRandomInputs() {
        let seed = UInt64(ProcessInfo.processInfo.environment["SHA1_SEED"].flatMap(UInt64.init) ?? 0x5A1)
        print("SHA1_SEED=\(seed)")
        var random = SplitMix64(seed: seed)
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var hasher = SHA1()
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + Int(random.next() % 70))
                hasher.update(bytes[start..<end])
                start = end
            }
            #expect(Self.hex(hasher.finalize()) == Self.hex(Insecure.SHA1.hash(data: bytes)), "SHA1_SEED=\(seed) length \(length)")
        }
    }
}
