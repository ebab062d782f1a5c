import Foundation
import Model
import Testing
@testable import Storage

@Suite("Hashing files as they stream")
struct FileDigestTests {
    /// libcrypto's digest (when the system has it) and reader's own agree on random
    /// inputs fed in random pieces. The seed is printed.
    @Test func theSystemsDigestAndReadersOwnAgree() {
        let seed = UInt64(ProcessInfo.processInfo.environment["DIGEST_SEED"].flatMap(UInt64.init) ?? 0xD16E57)
        print("DIGEST_SEED=\(seed)")
        var random = SplitMix64(seed: seed)
        let system = FileDigest()
        #expect(system.usesSystem || ProcessInfo.processInfo.environment["CI"] == nil, "CI machines have libcrypto (libcurl needs it)")
        for length in [0, 1, 55, 56, 64, 1000, 65_537, 1 << 20] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let fast = FileDigest(), own = FileDigest(preferSystem: false)
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + Int(random.next() % 100_000))
                bytes[start..<end].withUnsafeBytes { fast.update($0); own.update($0) }
                start = end
            }
            let expected = FileHash(of: bytes)
            #expect(fast.finalize() == expected, "DIGEST_SEED=\(seed) length \(length)")
            #expect(own.finalize() == expected, "DIGEST_SEED=\(seed) length \(length)")
        }
    }
}
