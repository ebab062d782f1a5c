import Foundation
import Model
import Testing
@testable import Storage

@Suite("Hashing a download as it arrives")
struct IncomingFileTests {
    /// A file written in random pieces after a random part an earlier attempt left
    /// gets the hash of its bytes, as if it were read again. The seed is printed.
    @Test func aResumedFileHashedAsItArrivesHasTheHashOfItsBytes() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["INCOMING_SEED"].flatMap(UInt64.init) ?? 0x1C0_41E6)
        print("INCOMING_SEED=\(seed)")
        var random = SplitMix64(seed: seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("incoming-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for round in 0..<20 {
            let bytes = (0..<Int(random.next() % 300_000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let kept = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
            let partial = folder.appendingPathComponent("\(round).part")
            try Data(bytes[..<kept]).write(to: partial)
            let incoming = IncomingFile(resuming: partial)
            var offset = kept
            while offset < bytes.count {
                let end = min(bytes.count, offset + 1 + Int(random.next() % 70_000))
                bytes[offset..<end].withUnsafeBytes { incoming.wrote(at: Int64(offset), $0) }
                offset = end
            }
            #expect(incoming.contents(ifSize: Int64(bytes.count))?.hash == FileHash(of: bytes), "INCOMING_SEED=\(seed) round \(round)")
        }
    }

    /// A server that answers a resumed request with the whole file starts it again:
    /// the bytes of the earlier attempt do not count.
    @Test func aWholeFileAfterAPartStartsTheHashAgain() throws {
        let partial = FileManager.default.temporaryDirectory.appendingPathComponent("incoming-\(UUID().uuidString).part")
        defer { unlink(partial.path) }
        try Data("%PDF-1.4 old part".utf8).write(to: partial)
        let incoming = IncomingFile(resuming: partial)
        let whole = Array("%PDF-1.7 the whole new file %%EOF".utf8)
        whole.withUnsafeBytes { incoming.wrote(at: 0, $0) }
        let contents = incoming.contents(ifSize: Int64(whole.count))
        #expect(contents?.hash == FileHash(of: whole))
        #expect(contents?.kind == .pdf)
    }

    /// Bytes seen out of order, or a file whose size on disk is not what was seen,
    /// give no hash: the store then reads the file instead of trusting it.
    @Test func bytesSeenOutOfOrderOrASizeThatDiffersGiveNoHash() {
        let missing = URL(fileURLWithPath: "/nonexistent/\(UUID().uuidString).part")
        let gap = IncomingFile(resuming: missing)
        [UInt8](repeating: 1, count: 10).withUnsafeBytes { gap.wrote(at: 0, $0) }
        [UInt8](repeating: 2, count: 10).withUnsafeBytes { gap.wrote(at: 20, $0) }
        #expect(gap.contents(ifSize: 30) == nil)

        let short = IncomingFile(resuming: missing)
        [UInt8](repeating: 1, count: 10).withUnsafeBytes { short.wrote(at: 0, $0) }
        #expect(short.contents(ifSize: 11) == nil)
    }
}
