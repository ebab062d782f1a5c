import Foundation
import Model
import NIOCore
import Testing
@testable import SyncServer
import SyncWire
import TestSupport

/// Uploads that run at once share the library's quota (`QuotaReservations`).
@Suite("Uploads at once against the quota")
struct QuotaReservationTests {
    @Test func uploadsRunningAtOnceCannotTogetherPassTheQuota() async throws {
        let folder = TemporaryFolder()
        let store = try SQLiteSyncStore(path: folder.path + "/server.sqlite")
        let service = SyncService(store: store, blobs: try DirectoryBlobStore(folder: folder.url.appendingPathComponent("blobs")),
                                  blobLimits: BlobLimits(maxFileBytes: 1 << 20, quotaBytes: 70_000))
        let library = try await store.createLibrary(named: "lab", at: 0)
        let files = (0..<3).map { index in [UInt8]((0..<30_000).map { UInt8(truncatingIfNeeded: $0 * (index + 3)) }) }
        // Two uploads begin and wait for their bytes: each fits alone.
        let streams = (0..<2).map { _ in AsyncStream<ByteBuffer>.makeStream() }
        let uploads = (0..<2).map { index in
            Task { try await service.putBlob(library: library, hash: FileHash(of: files[index]).hex, contentLength: 30_000, body: streams[index].stream) }
        }
        for _ in 0..<400 where service.quotaReservations.promised(library: library.key) < 60_000 {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(service.quotaReservations.promised(library: library.key) == 60_000, "both uploads hold their share")
        // A third would fit in what is stored (nothing yet), not beside the two.
        do {
            _ = try await service.putBlob(library: library, hash: FileHash(of: files[2]).hex, contentLength: 30_000,
                                          body: AsyncStream { $0.yield(ByteBuffer(bytes: files[2])); $0.finish() })
            Issue.record("a third upload passed the quota beside two in progress")
        } catch let error as WireErrorBody {
            #expect(error.code == .quotaExceeded && error.usedBytes == 60_000, "\(error)")
        }
        for index in 0..<2 {
            streams[index].continuation.yield(ByteBuffer(bytes: files[index]))
            streams[index].continuation.finish()
            #expect(try await uploads[index].value, "upload \(index) stored")
        }
        #expect(service.quotaReservations.promised(library: library.key) == 0, "shares end with their uploads")
    }
}
