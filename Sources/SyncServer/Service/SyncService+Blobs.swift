import Foundation
import Model
import NIOCore
import SyncWire

/// The libraries' files: which are missing, uploads checked against their hash, the
/// size limit and the library's quota, and reads. The HTTP routes only carry bytes.
extension SyncService {
    /// The blob store, or `404` when this server keeps no files.
    func blobStore() throws -> any BlobStore {
        guard let blobs else { throw WireErrorBody(.notFound, "this server keeps no files") }
        return blobs
    }

    /// A hash from a path, or `400`.
    static func blobHash(_ text: String?) throws -> FileHash {
        guard let text, let hash = FileHash(text) else {
            throw WireErrorBody(.badRequest, "a file is named by its SHA-256 as 64 lowercase hex digits, not '\((text ?? "").prefix(80))'")
        }
        return hash
    }

    /// `POST /v1/libraries/{lib}/blobs/missing`.
    public func missingBlobs(library: ServerLibrary, body: [UInt8]) async throws -> BlobsMissing {
        let request: BlobsMissingRequest
        do {
            request = try BlobsMissingRequest(bytes: body)
        } catch {
            throw WireErrorBody(.invalidBody, "the request is not a list of hashes: \(error)")
        }
        return BlobsMissing(missing: try await blobStore().missing(request.hashes, in: library))
    }

    /// `GET`/`HEAD /v1/libraries/{lib}/blobs/{sha256}`: the stored blob, or `404`
    /// (also for a hash another library holds: a token never learns of other libraries' files).
    public func blob(library: ServerLibrary, hash text: String?) async throws -> StoredBlob {
        let hash = try Self.blobHash(text)
        guard let blob = try await blobStore().blob(hash, in: library) else {
            throw WireErrorBody(.notFound, "no file with this hash in the library")
        }
        return blob
    }

    /// The error of an upload that would pass the library's quota.
    func quotaExceeded(used: Int64) -> WireErrorBody {
        WireErrorBody(.quotaExceeded, "the library's files take \(used) bytes of its \(blobLimits.quotaBytes); this one does not fit",
                      usedBytes: used, quotaBytes: blobLimits.quotaBytes)
    }

    /// `PUT /v1/libraries/{lib}/blobs/{sha256}`: receives the body into a temporary
    /// file, hashing it as it comes, and stores it only when the hash matches, the
    /// file is within the size limit and the library within its quota. Returns
    /// whether it was stored now (false: it was there, and the body was not read).
    public func putBlob<Body: AsyncSequence & Sendable>(library: ServerLibrary, hash text: String?, contentLength: Int64?,
                                                       body: Body) async throws -> Bool where Body.Element == ByteBuffer {
        let hash = try Self.blobHash(text)
        let blobs = try blobStore()
        if let length = contentLength, length > blobLimits.maxFileBytes {
            throw WireErrorBody(.payloadTooLarge, "a file may have at most \(blobLimits.maxFileBytes) bytes; this one has \(length)")
        }
        if try await blobs.blob(hash, in: library) != nil { return false }
        let used = try await blobs.usage(of: library)
        // Uploads running at once share the quota: each counts the others' bytes.
        let reservation: QuotaReservations.Reservation
        switch quotaReservations.reserve(contentLength ?? 0, library: library.key, stored: used, quota: blobLimits.quotaBytes) {
        case .success(let reserved): reservation = reserved
        case .failure(let full): throw quotaExceeded(used: full.used)
        }
        defer { quotaReservations.release(reservation) }
        let upload = try await blobs.receive(hash, into: library)
        do {
            for try await chunk in body {
                let total = upload.received + Int64(chunk.readableBytes)
                if total > blobLimits.maxFileBytes {
                    throw WireErrorBody(.payloadTooLarge, "a file may have at most \(blobLimits.maxFileBytes) bytes")
                }
                if let full = quotaReservations.grow(reservation, to: total, stored: used, quota: blobLimits.quotaBytes) {
                    throw quotaExceeded(used: full.used)
                }
                try await upload.write(chunk)
            }
            if let length = contentLength, upload.received != length {
                throw WireErrorBody(.badRequest, "the body has \(upload.received) bytes, not the \(length) of its Content-Length")
            }
            switch try await upload.finish() {
            case .stored: return true
            case .alreadyStored: return false
            case .mismatch(let actual, let size):
                throw WireErrorBody(.hashMismatch, "the \(size) bytes sent have the SHA-256 \(actual.hex), not \(hash.hex); nothing was kept")
            }
        } catch {
            upload.abandon()
            throw error
        }
    }
}
