import CCurl
import Foundation

/// HTTP requests over libcurl, which is loaded on the first request.
///
/// Why not URLSession: on Linux, URLSession is FoundationNetworking, which links
/// libcurl and its thirty libraries into every process that contains it; loading them
/// costs about 6.5 ms at every start of `reader`, for every command, networked or not
/// (docs/benchmarks.md, "Start-up"). This client opens libcurl with `dlopen` only when
/// a command makes its first request. Each transfer runs on a thread of its own, off
/// the Swift concurrency pool, and reuses an idle connection to the same server.
///
/// ```swift
/// let response = try await HTTPClient.send(HTTPRequest(url: url, headers: ["Accept": "application/json"]))
/// guard response.status == 200 else { ... }
/// ```
public enum HTTPClient {
    /// Sends a request and waits for the whole response.
    ///
    /// A cancelled task stops the transfer. Redirects are followed; compressed
    /// answers are decompressed.
    public static func send(_ request: HTTPRequest) async throws(HTTPFailure) -> HTTPResponse {
        var reason = [CChar](repeating: 0, count: 512)
        guard reader_curl_load(&reason, reason.count) == 0 else {
            throw HTTPFailure(kind: .notInstalled, reason: text(reason))
        }
        guard let transfer = reader_transfer_create(request.method, request.url.absoluteString) else {
            throw HTTPFailure(kind: .other, reason: "out of memory")
        }
        defer { reader_transfer_free(transfer) }
        for (name, value) in request.headers {
            guard reader_transfer_add_header(transfer, "\(name): \(value)") == 0 else {
                throw HTTPFailure(kind: .other, reason: "out of memory")
            }
        }
        if let body = request.body {
            let stored = body.withUnsafeBytes { reader_transfer_set_body(transfer, $0.baseAddress, $0.count) }
            guard stored == 0 else { throw HTTPFailure(kind: .other, reason: "out of memory") }
        }
        func milliseconds(_ seconds: TimeInterval) -> Int {
            Int(min(max(seconds, 0.001), 86_400) * 1000)
        }
        reader_transfer_set_timeouts(transfer, milliseconds(request.timeout), milliseconds(request.timeout), milliseconds(request.totalTimeout ?? request.timeout * 4))

        let handle = TransferHandle(transfer)
        let (code, message) = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<(Int32, String), Never>) in
                // A thread of its own: a transfer blocks for as long as the server takes,
                // and Dispatch's global queue runs only as many blocks at once as there
                // are cores (two blocked transfers would hold up every other request).
                let thread = Thread {
                    var reason = [CChar](repeating: 0, count: 512)
                    let code = reader_transfer_perform(handle.transfer, &reason, reason.count)
                    continuation.resume(returning: (code, text(reason)))
                }
                thread.name = "reader-http"
                thread.start()
            }
        } onCancel: {
            reader_transfer_cancel(handle.transfer)
        }
        guard code == 0 else {
            throw HTTPFailure(code: code, reason: message)
        }
        var length = 0
        let body = reader_transfer_body(transfer, &length).map { Data(bytes: $0, count: length) } ?? Data()
        var headerLength = 0
        let headerText = reader_transfer_headers(transfer, &headerLength).map {
            String(decoding: UnsafeRawBufferPointer(start: $0, count: headerLength), as: UTF8.self)
        } ?? ""
        return HTTPResponse(status: reader_transfer_status(transfer), headerText: headerText, body: body)
    }
}

/// The text of a NUL-terminated C buffer.
private func text(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The C transfer, handed to the thread that runs it and to the cancellation handler;
/// the transfer itself makes cancelling from another thread safe.
private struct TransferHandle: @unchecked Sendable {
    let transfer: OpaquePointer
    init(_ transfer: OpaquePointer) { self.transfer = transfer }
}
