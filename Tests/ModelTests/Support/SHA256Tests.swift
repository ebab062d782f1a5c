import Crypto
import Foundation
import Testing
@testable import Model

@Suite("SHA-256 of stored files")
struct SHA256Tests {
    @Test func fipsTestVectors() {
        #expect(Model.SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Model.SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Model.SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Model.SHA256.hex(of: Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every length from 0 to 300 bytes and a few large ones, fed in pieces of random
    /// sizes (so that pieces start and end inside blocks), against swift-crypto.
    @Test func agreesWithSwiftCryptoOnRandomInputs() {
        let seed = UInt64(ProcessInfo.processInfo.environment["SHA256_SEED"].flatMap(UInt64.init) ?? 0x5A256)
        print("SHA256_SEED=\(seed)")
        var random = SplitMix64(seed: seed)
        for length in Array(0...300) + [4_095, 65_536, 100_003] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var hasher = Model.SHA256()
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + Int(random.next() % 200))
                hasher.update(Array(bytes[start..<end]))
                start = end
            }
            let expected = Crypto.SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(hasher.finalize() == expected, "SHA256_SEED=\(seed) length \(length)")
        }
    }
}
