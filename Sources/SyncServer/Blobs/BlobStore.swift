import Foundation
import Model
import NIOCore

/// Where the server keeps the libraries' files (the bytes that `attachment` records
/// name by SHA-256), apart from the records' ``SyncStore``: the records go to a
/// database, the bytes to a file system (``DirectoryBlobStore``, a folder beside the
/// database by default).
///
/// Blobs are kept per library: the same bytes in two libraries are stored twice,
/// because sharing them would tell one library's users what another holds. A blob
/// is stored only whole and only under the hash of its bytes; its path is made from
/// that hash and the library's key, never from text a user sent.
public protocol BlobStore: Sendable {
    /// A stored blob, or nil.
    func blob(_ hash: FileHash, in library: ServerLibrary) async throws -> StoredBlob?
    /// Those of `hashes` the library has no blob for, each once, in the order given.
    func missing(_ hashes: [FileHash], in library: ServerLibrary) async throws -> [FileHash]
    /// The bytes of the library's stored blobs (what its quota counts).
    func usage(of library: ServerLibrary) async throws -> Int64
    /// Starts receiving a blob for the library; its bytes go to a temporary file
    /// until ``BlobUpload/finish()``.
    func receive(_ hash: FileHash, into library: ServerLibrary) async throws -> BlobUpload
    /// Every blob of the library.
    func inventory(of library: ServerLibrary) async throws -> [StoredBlob]
    /// Removes a blob (nothing when it is not there).
    func remove(_ hash: FileHash, from library: ServerLibrary) async throws
    /// Removes the temporary files of uploads older than `date` (a server killed
    /// mid-upload leaves one); returns how many.
    func removeAbandonedUploads(olderThan date: Date) async throws -> Int
}

/// A blob stored for a library.
public struct StoredBlob: Hashable, Sendable {
    /// The hash of its bytes.
    public var hash: FileHash
    /// Its size in bytes.
    public var size: Int64
    /// Its file, read-only.
    public var path: String
    /// When it was stored.
    public var storedAt: Date
}

/// What became of an upload.
public enum BlobUploadOutcome: Hashable, Sendable {
    /// Stored now.
    case stored
    /// The library had it already: nothing was written.
    case alreadyStored
    /// The bytes have another hash: nothing was kept.
    case mismatch(actual: FileHash, size: Int64)
}

/// A blob being received: bytes are written and hashed as they come, and the blob
/// enters the store in ``finish()`` only when their hash is the one it was sent under.
public protocol BlobUpload: AnyObject, Sendable {
    /// The bytes received so far.
    var received: Int64 { get }
    /// Writes the next bytes.
    func write(_ bytes: ByteBuffer) async throws
    /// Flushes the file to disk and stores it under its hash when the bytes have it;
    /// otherwise removes it.
    func finish() async throws -> BlobUploadOutcome
    /// Removes what was received (the request failed or was refused midway).
    func abandon()
}
