import Foundation
import Model
import Storage

/// How papers' files reach a sync server and come back (``HTTPTransport`` over
/// HTTP, a direct call into the server's logic in tests): the blob endpoints of
/// `docs/sync-protocol.md`.
///
/// Errors are ``SyncError``s: `unreachable` when the server cannot be reached or the
/// connection was cut, `server` with the protocol's error (`not_found`,
/// `quota_exceeded`, `payload_too_large`, `hash_mismatch`), `badResponse` when a
/// downloaded file is not the one its hash names.
public protocol BlobTransport: Sendable {
    /// `POST …/blobs/missing`: those of `hashes` the server lacks, in the order asked
    /// (at most ``SyncWire/BlobsMissingRequest/maxHashes`` per call).
    func missingBlobs(_ hashes: [FileHash]) async throws -> [FileHash]

    /// `PUT …/blobs/{sha256}`: sends a stored file, read as it goes. Returns whether
    /// the server stored it now (false: it had it).
    func uploadBlob(_ hash: FileHash, from file: URL, size: Int64,
                    progress: (@Sendable (_ sent: Int64) -> Void)?) async throws -> Bool

    /// `GET …/blobs/{sha256}` into the file store: resumed after an interruption,
    /// checked against its hash before it enters the store.
    func downloadBlob(_ hash: FileHash, into store: FileStore, maxSize: Int64,
                      progress: (@Sendable (_ received: Int64) -> Void)?) async throws -> FileStore.StoredFile
}
