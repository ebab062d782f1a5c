import Foundation
@testable import Interchange
import Testing

@Suite("Mapped files")
struct MappedFileTests {
    static func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// 3 MiB of bytes that differ from page to page.
    static let bytes: [UInt8] = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }

    @Test func aLargeFileIsMappedAndReadsAsItsBytes() throws {
        let path = try Self.file(Self.bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try #require(MappedFile.data(atPath: path))
        #expect(data.count == Self.bytes.count)
        #expect(Array(data) == Self.bytes)
    }

    @Test func pagesHandedBackReadTheSameBytesAgain() throws {
        let path = try Self.file(Self.bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try #require(MappedFile.data(atPath: path))
        data.withUnsafeBytes { raw in
            let buffer = raw.assumingMemoryBound(to: UInt8.self)
            let before = buffer.reduce(0) { $0 &+ Int($1) }
            MappedFile.releasePages(of: buffer, before: 2 << 20)
            #expect(buffer.reduce(0) { $0 &+ Int($1) } == before)
            #expect(Array(buffer) == Self.bytes)
        }
    }

    @Test func memoryThatIsNotAMappingIsLeftAlone() {
        // Dropping the pages of ordinary memory would zero them: it must not happen.
        var heap = Self.bytes
        heap.withUnsafeBufferPointer { buffer in
            MappedFile.releasePages(of: buffer, before: buffer.count)
        }
        #expect(heap == Self.bytes)
        heap[0] = 1
    }

    @Test func smallFilesFoldersAndMissingFilesAreNotMapped() throws {
        let small = try Self.file(Array(Self.bytes.prefix(1000)))
        defer { try? FileManager.default.removeItem(atPath: small) }
        #expect(MappedFile.data(atPath: small) == nil)
        #expect(MappedFile.data(atPath: FileManager.default.temporaryDirectory.path) == nil)
        #expect(MappedFile.data(atPath: "/nonexistent/file.bib") == nil)
    }
}
