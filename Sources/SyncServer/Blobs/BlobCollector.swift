import Foundation
import Model
import Synchronization

/// Removes the blobs no attachment record names any more (`reader-server gc`).
///
/// A blob is kept while any attachment record of its library names its hash, a
/// trashed one too (it can be restored); a purged attachment keeps no fields, so it
/// names nothing. An unnamed blob goes only once it is older than the grace period:
/// a client uploads a file and pushes its record in one sync, and the record may
/// come after the bytes.
public struct BlobCollector: Sendable {
    /// The records.
    public let store: any SyncStore
    /// The files.
    public let blobs: any BlobStore

    /// A collector over a server's records and files.
    public init(store: any SyncStore, blobs: any BlobStore) {
        self.store = store; self.blobs = blobs
    }

    /// What a collection did (or would do).
    public struct Report: Sendable {
        /// The blobs removed, by library name.
        public var removed: [String: [StoredBlob]] = [:]
        /// Blobs kept because a record names them.
        public var kept = 0
        /// Unnamed blobs kept because they are within the grace period.
        public var young = 0
        /// Unfinished uploads removed.
        public var abandonedUploads = 0

        /// How many blobs were removed.
        public var removedCount: Int { removed.values.reduce(0) { $0 + $1.count } }
    }

    /// The hashes a library's attachment records name.
    public func namedHashes(in library: ServerLibrary) async throws -> Set<FileHash> {
        let named = NamedHashes()
        try await store.forEachRecord(library: library) { entity, _, fields in
            guard entity == Entity.attachment.rawValue, case .string(let text)? = fields["sha256"]?.value,
                  let hash = FileHash(text) else { return }
            named.insert(hash)
        }
        return named.all
    }

    /// Removes the unnamed blobs stored before `cutoff`, and unfinished uploads older than it.
    public func collect(olderThan cutoff: Date, dryRun: Bool = false) async throws -> Report {
        var report = Report()
        for library in try await store.libraries() {
            let named = try await namedHashes(in: library)
            for blob in try await blobs.inventory(of: library) {
                if named.contains(blob.hash) {
                    report.kept += 1
                } else if blob.storedAt >= cutoff {
                    report.young += 1
                } else {
                    if !dryRun { try await blobs.remove(blob.hash, from: library) }
                    report.removed[library.name, default: []].append(blob)
                }
            }
        }
        if !dryRun { report.abandonedUploads = try await blobs.removeAbandonedUploads(olderThan: cutoff) }
        return report
    }
}

/// The hashes collected from the records, as they stream past.
private final class NamedHashes: Sendable {
    private let hashes = Mutex<Set<FileHash>>([])
    func insert(_ hash: FileHash) { hashes.withLock { _ = $0.insert(hash) } }
    var all: Set<FileHash> { hashes.withLock { $0 } }
}
