import CCurl
import Foundation
import Synchronization

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
        try await perform(request, output: nil, input: nil, progress: nil)
    }

    /// Where an upload's body comes from: a part of an open file, read as it is sent.
    public struct FileInput: Sendable {
        /// An open file.
        public var descriptor: Int32
        /// The first byte sent, and how many.
        public var offset: Int64, length: Int64

        /// Creates an input.
        public init(descriptor: Int32, offset: Int64 = 0, length: Int64) {
            self.descriptor = descriptor; self.offset = offset; self.length = length
        }
    }

    /// Sends a request whose body is read from a file as it goes (a `PUT`: a file
    /// of hundreds of megabytes is never held in memory), and waits for the response.
    /// `progress` is called about ten times a second, from another thread, with the
    /// bytes sent and the body's length.
    public static func upload(_ request: HTTPRequest, from input: FileInput,
                              progress: (@Sendable (_ sent: Int64, _ total: Int64?) -> Void)? = nil) async throws(HTTPFailure) -> HTTPResponse {
        try await perform(request, output: nil, input: input, progress: progress)
    }

    /// Where a download writes, and how far it may go.
    public struct FileOutput: Sendable {
        /// An open file, written from `offset` on.
        public var descriptor: Int32
        /// The bytes the file already holds from an earlier attempt: a 206 answer
        /// is written after them, a 200 answer replaces them.
        public var offset: Int64
        /// The largest the whole file may be.
        public var maxSize: Int64
        /// Sees every chunk of the body as it is written, with the file offset it
        /// goes to (0 after an earlier attempt's bytes: a 200 replaced them), on
        /// the transfer's thread: a download is hashed as it arrives.
        public var observer: (@Sendable (_ offset: Int64, _ bytes: UnsafeRawBufferPointer) -> Void)?

        /// Creates an output.
        public init(descriptor: Int32, offset: Int64, maxSize: Int64,
                    observer: (@Sendable (_ offset: Int64, _ bytes: UnsafeRawBufferPointer) -> Void)? = nil) {
            self.descriptor = descriptor; self.offset = offset; self.maxSize = maxSize; self.observer = observer
        }
    }

    /// Downloads a response body into a file (the caller sends `Range` when
    /// `output.offset` is not zero); the response's ``HTTPResponse/body`` is then
    /// only the start of an error page. `progress` is called about ten times a
    /// second, from another thread, with the bytes written and the whole file's
    /// size when the server said it.
    ///
    /// - Throws: ``HTTPFailure`` with ``HTTPFailure/Kind/tooLarge`` when the file
    ///   would pass `output.maxSize`, ``HTTPFailure/Kind/badRange`` when a 206 does
    ///   not start where asked, or how the transfer failed.
    public static func download(_ request: HTTPRequest, into output: FileOutput,
                                progress: (@Sendable (_ received: Int64, _ expected: Int64?) -> Void)? = nil) async throws(HTTPFailure) -> HTTPResponse {
        try await perform(request, output: output, input: nil, progress: progress)
    }

    private static func perform(_ request: HTTPRequest, output: FileOutput?, input: FileInput?,
                                progress: (@Sendable (Int64, Int64?) -> Void)?) async throws(HTTPFailure) -> HTTPResponse {
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
        if let input {
            reader_transfer_set_upload(transfer, input.descriptor, input.offset, input.length)
        }
        if let output {
            reader_transfer_set_output(transfer, output.descriptor, output.offset, output.maxSize)
        }
        // The observer's box lives until the transfer is freed (after `perform` returns).
        let observer = output?.observer.map { Unmanaged.passRetained(ObserverBox($0)) }
        defer { observer?.release() }
        if let observer {
            reader_transfer_set_observer(transfer, { context, offset, bytes, length in
                guard let context else { return }
                Unmanaged<ObserverBox>.fromOpaque(context).takeUnretainedValue().observe(offset, UnsafeRawBufferPointer(start: bytes, count: length))
            }, observer.toOpaque())
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
                let done = Atomic<Bool>(false)
                let thread = Thread {
                    var reason = [CChar](repeating: 0, count: 512)
                    let code = reader_transfer_perform(handle.transfer, &reason, reason.count)
                    done.store(true, ordering: .releasing)
                    continuation.resume(returning: (code, text(reason)))
                }
                thread.name = "reader-http"
                thread.start()
                if let progress {
                    let reporter = Thread {
                        while !done.load(ordering: .acquiring) {
                            Thread.sleep(forTimeInterval: 0.1)
                            if let input {
                                progress(reader_transfer_sent(handle.transfer), input.length)
                            } else {
                                let expected = reader_transfer_expected(handle.transfer)
                                progress(reader_transfer_received(handle.transfer), expected >= 0 ? expected : nil)
                            }
                        }
                    }
                    reporter.name = "reader-http-progress"
                    reporter.start()
                }
            }
        } onCancel: {
            reader_transfer_cancel(handle.transfer)
        }
        if reader_transfer_stalled(transfer) != 0 { throw HTTPFailure(kind: .timedOut, reason: "") }
        if output != nil {
            if reader_transfer_too_large(transfer) != 0 { throw HTTPFailure(kind: .tooLarge, reason: "") }
            if reader_transfer_bad_range(transfer) != 0 { throw HTTPFailure(kind: .badRange, reason: "") }
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

/// An output observer, passed through C as a context pointer.
private final class ObserverBox: Sendable {
    let observe: @Sendable (Int64, UnsafeRawBufferPointer) -> Void
    init(_ observe: @escaping @Sendable (Int64, UnsafeRawBufferPointer) -> Void) { self.observe = observe }
}

/// The C transfer, handed to the thread that runs it and to the cancellation handler;
/// the transfer itself makes cancelling from another thread safe.
private struct TransferHandle: @unchecked Sendable {
    let transfer: OpaquePointer
    init(_ transfer: OpaquePointer) { self.transfer = transfer }
}
