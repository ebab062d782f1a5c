import Foundation
import HTTP
import Lookup
import Model
import Storage
import SyncWire

extension HTTPTransport: BlobTransport {
    public func missingBlobs(_ hashes: [FileHash]) async throws -> [FileHash] {
        var request = try makeRequest(path: "/blobs/missing")
        request.method = "POST"
        request.headers.append(("Content-Type", "application/json"))
        request.body = Data(BlobsMissingRequest(hashes: hashes).jsonBytes)
        return try await send(request, as: BlobsMissing.self).missing
    }

    public func uploadBlob(_ hash: FileHash, from file: URL, size: Int64,
                           progress: (@Sendable (_ sent: Int64) -> Void)?) async throws -> Bool {
        var request = try makeRequest(path: "/blobs/\(hash.hex)")
        request.method = "PUT"
        request.headers.append(("Content-Type", "application/octet-stream"))
        // A slow link moves a large file for a long time: only silence stops it.
        request.totalTimeout = 24 * 3600
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SyncError.badResponse(url: file.path, reason: "the file cannot be read here: \(String(cString: strerror(errno))); `reader doctor --repair` checks the store")
        }
        defer { close(descriptor) }
        let response: HTTPResponse
        do {
            response = try await HTTPClient.upload(request, from: HTTPClient.FileInput(descriptor: descriptor, length: size),
                                                   progress: progress.map { report in { @Sendable sent, _ in report(sent) } })
        } catch {
            throw SyncError.unreachable(url: libraryURL.absoluteString, reason: error.description)
        }
        count(sent: Int(size), received: response.body.count)
        switch response.status {
        case 201: return true
        case 200: return false
        default: throw failure(response, url: request.url.absoluteString)
        }
    }

    public func downloadBlob(_ hash: FileHash, into store: FileStore, maxSize: Int64,
                             progress: (@Sendable (_ received: Int64) -> Void)?) async throws -> FileStore.StoredFile {
        let request = try makeRequest(path: "/blobs/\(hash.hex)")
        let downloader = FileDownloader(store: store, userAgent: "reader", timeout: timeout)
        do {
            let stored = try await downloader.download(
                FileDownloader.Request(url: request.url, wantsPDF: false, expectedHash: hash, maxSize: maxSize,
                                       headers: request.headers.filter { $0.name != "Accept" }, resumedBy: "`reader sync`"),
                progress: progress.map { report in { @Sendable received, _ in report(received) } })
            count(sent: 0, received: Int(stored.size))
            return stored
        } catch {
            if let status = error.status {
                throw SyncError.server(status: status, error: WireErrorBody(status == 404 ? .notFound : status == 401 ? .unauthorized : .internalError,
                                                                            status == 404 ? "the server does not have this file" : error.reason))
            }
            if error.failure != nil { throw SyncError.unreachable(url: libraryURL.absoluteString, reason: error.reason) }
            throw SyncError.badResponse(url: error.url.absoluteString, reason: error.reason)
        }
    }
}
