import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Model
import NIOCore
import SyncWire

/// The routes of the libraries' files: `blobs/missing`, and `PUT`, `GET`, `HEAD` of
/// `blobs/{sha256}` (ranges for resumed downloads).
extension SyncServerApplication {
    /// The header with the bytes a library's files take, on `quota_exceeded`.
    static let quotaUsedHeader = HTTPField.Name("Reader-Quota-Used")!
    /// The header with the library's quota, on `quota_exceeded`.
    static let quotaHeader = HTTPField.Name("Reader-Quota-Bytes")!

    static func addBlobRoutes(to router: Router<BasicRequestContext>, service: SyncService, logger: Logger) {
        let files = FileIO()
        router.post("/v1/libraries/:lib/blobs/missing") { request, context in
            let library = try await authenticate(request, context, service)
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: service.limits.maxPushBytes)
            } catch is NIOTooManyBytesError {
                throw WireErrorBody(.payloadTooLarge, "a request may hold at most \(service.limits.maxPushBytes) bytes")
            }
            return json(try await service.missingBlobs(library: library, body: Array(buffer.readableBytesView)))
        }
        router.put("/v1/libraries/:lib/blobs/:sha256") { request, context in
            let library = try await authenticate(request, context, service)
            let length = request.headers[.contentLength].flatMap { Int64($0) }
            let stored = try await service.putBlob(library: library, hash: context.parameters.get("sha256"), contentLength: length, body: request.body)
            let blob = try await service.blob(library: library, hash: context.parameters.get("sha256"))
            logger.info("blob", metadata: ["library": .string(library.name), "size": .stringConvertible(blob.size), "stored": .stringConvertible(stored)])
            var out = ""
            JSONValue.object(["sha256": .string(blob.hash.hex), "size": .int(blob.size)]).write(to: &out)
            return jsonResponse(out, status: stored ? .created : .ok)
        }
        router.get("/v1/libraries/:lib/blobs/:sha256") { request, context in
            let library = try await authenticate(request, context, service)
            let blob = try await service.blob(library: library, hash: context.parameters.get("sha256"))
            return try await blobResponse(blob, request: request, context: context, files: files, withBody: true)
        }
        router.head("/v1/libraries/:lib/blobs/:sha256") { request, context in
            let library = try await authenticate(request, context, service)
            let blob = try await service.blob(library: library, hash: context.parameters.get("sha256"))
            return try await blobResponse(blob, request: request, context: context, files: files, withBody: false)
        }
    }

    /// A blob, whole (200) or the range asked for (206), or 416 for a range past its end.
    static func blobResponse(_ blob: StoredBlob, request: Request, context: BasicRequestContext, files: FileIO, withBody: Bool) async throws -> Response {
        var headers: HTTPFields = [.contentType: "application/octet-stream", .acceptRanges: "bytes", .eTag: "\"\(blob.hash.hex)\""]
        switch ByteRange(header: request.headers[.range], size: blob.size) {
        case .unsatisfiable:
            var response = json(WireErrorBody(.rangeNotSatisfiable, "the file has \(blob.size) bytes"), status: .rangeNotSatisfiable)
            response.headers[.contentRange] = "bytes */\(blob.size)"
            return response
        case .whole:
            headers[.contentLength] = String(blob.size)
            guard withBody, blob.size > 0 else { return Response(status: .ok, headers: headers) }
            return Response(status: .ok, headers: headers, body: try await files.loadFile(path: blob.path, context: context))
        case .part(let range):
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(blob.size)"
            headers[.contentLength] = String(range.count)
            guard withBody else { return Response(status: .partialContent, headers: headers) }
            let body = try await files.loadFile(path: blob.path, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        }
    }
}
