import Foundation
import HTTP
import Model
import Storage

/// Downloads files into a library's file store: resumable, size-limited and
/// checked before anything enters the store.
///
/// A download writes to `<library>.files/partial/<SHA-256 of the URL>.part`, which
/// outlives the process: after a dropped connection, a timeout or a kill, the next
/// attempt asks for the rest with `Range` and appends it (or starts again when the
/// server sends the whole file). Only a finished file that passes its checks (a PDF
/// where a PDF is wanted, whole, with the expected hash when one is known) is
/// hashed into the store; a file that fails them is removed and the failure named.
public struct FileDownloader: Sendable {
    /// The store files enter.
    public let store: FileStore
    /// The User-Agent of every request.
    public var userAgent: String
    /// Seconds to connect, and the longest silence while receiving.
    public var timeout: TimeInterval

    /// A downloader into `store`.
    public init(store: FileStore, userAgent: String, timeout: TimeInterval = 30) {
        self.store = store; self.userAgent = userAgent; self.timeout = timeout
    }

    /// What one download is for.
    public struct Request: Sendable {
        /// Where the file is.
        public var url: URL
        /// Whether it must be a PDF (the usual case: a paper).
        public var wantsPDF: Bool
        /// The hash it must have, when an attachment record already names it.
        public var expectedHash: FileHash?
        /// The largest file accepted.
        public var maxSize: Int64
        /// Header fields sent besides the User-Agent, Accept and Range (a sync
        /// server's `Authorization`).
        public var headers: [(name: String, value: String)]
        /// What resumes an interrupted download, for its message.
        public var resumedBy: String

        /// Creates a request.
        public init(url: URL, wantsPDF: Bool = true, expectedHash: FileHash? = nil, maxSize: Int64,
                    headers: [(name: String, value: String)] = [], resumedBy: String = "`reader fetch`") {
            self.url = url; self.wantsPDF = wantsPDF; self.expectedHash = expectedHash; self.maxSize = maxSize
            self.headers = headers; self.resumedBy = resumedBy
        }
    }

    /// A file received whole and checked, waiting in the `partial` folder to enter
    /// the store (``keep(_:)``).
    public struct Received: Sendable {
        /// Where it came from.
        public var url: URL
        /// Where it waits.
        public var partial: URL
        /// What it holds.
        public var contents: FileStore.Contents
    }

    /// Downloads a file into the store, resuming an earlier attempt: ``receive(_:progress:)``
    /// then ``keep(_:)``.
    ///
    /// - Parameter progress: bytes of this file on disk so far and its whole size
    ///   when known, about ten times a second.
    public func download(_ request: Request, progress: (@Sendable (_ received: Int64, _ expected: Int64?) -> Void)? = nil) async throws(DownloadError) -> FileStore.StoredFile {
        try keep(try await receive(request, progress: progress))
    }

    /// Puts a received file into the store: flushed to disk, then renamed under its
    /// hash. Apart from receiving, so that a caller can receive the next file while
    /// this one reaches the disk.
    public func keep(_ received: Received) throws(DownloadError) -> FileStore.StoredFile {
        do {
            return try store.adopt(received.partial, contents: received.contents)
        } catch {
            unlink(received.partial.path)
            throw DownloadError(url: received.url, reason: error.description, resumable: false)
        }
    }

    /// Downloads a file into the `partial` folder, resuming an earlier attempt, hashes
    /// it as it arrives and checks it: a PDF where a PDF is wanted, whole, with the
    /// expected hash when one is known. A file that fails is removed.
    public func receive(_ request: Request, progress: (@Sendable (_ received: Int64, _ expected: Int64?) -> Void)? = nil) async throws(DownloadError) -> Received {
        do {
            try store.makeFolder(store.partialFolder)
        } catch {
            throw DownloadError(url: request.url, reason: error.description, resumable: false)
        }
        store.removeAbandonedTemporaries()
        let partial = store.partialFolder.appendingPathComponent(SHA256.hex(of: Array(request.url.absoluteString.utf8)) + ".part")
        for attempt in 1...2 {
            let descriptor = open(partial.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw DownloadError(url: request.url, reason: "cannot write \(partial.path): \(String(cString: strerror(errno)))", resumable: false)
            }
            let offset = Int64(lseek(descriptor, 0, SEEK_END))
            // Hashed as it arrives (after the bytes an earlier attempt left): not read again.
            let incoming = IncomingFile(resuming: partial)
            var headers: [(name: String, value: String)] = [("User-Agent", userAgent), ("Accept", request.wantsPDF ? "application/pdf,*/*;q=0.5" : "*/*")]
            headers += request.headers
            if offset > 0 { headers.append(("Range", "bytes=\(offset)-")) }
            let response: HTTPResponse
            do {
                response = try await HTTPClient.download(
                    HTTPRequest(url: request.url, headers: headers, timeout: timeout, totalTimeout: 24 * 3600),
                    into: HTTPClient.FileOutput(descriptor: descriptor, offset: offset, maxSize: request.maxSize, observer: incoming.wrote),
                    progress: progress.map { report in { @Sendable received, expected in report(offset + received, expected) } })
            } catch {
                close(descriptor)
                switch error.kind {
                case .cut, .timedOut, .cancelled:
                    // What arrived stays: the next attempt asks for the rest.
                    throw DownloadError(url: request.url, reason: error.description + "; \(request.resumedBy) again resumes it", resumable: true, failure: error.kind)
                case .tooLarge:
                    unlink(partial.path)
                    throw DownloadError(url: request.url, reason: "the file is larger than the limit of \(ByteCount.text(request.maxSize)) (--max-size)", resumable: false)
                case .badRange:
                    unlink(partial.path)
                    if attempt == 1 { continue }
                    throw DownloadError(url: request.url, reason: error.description, resumable: false)
                default:
                    throw DownloadError(url: request.url, reason: error.description, resumable: false, failure: error.kind)
                }
            }
            close(descriptor)
            if response.status == 416, offset > 0 {
                // The part held already covers the file, or the file changed: start again.
                unlink(partial.path)
                continue
            }
            guard response.status == 200 || response.status == 206 else {
                throw DownloadError(url: request.url, reason: "the server answered HTTP \(response.status)", resumable: false, status: response.status)
            }
            return try check(partial, incoming: incoming, request: request, response: response)
        }
        throw DownloadError(url: request.url, reason: "the server does not answer the part of the file asked for", resumable: false)
    }

    /// Checks a finished download; a file that fails is removed.
    private func check(_ partial: URL, incoming: IncomingFile, request: Request, response: HTTPResponse) throws(DownloadError) -> Received {
        func fail(_ reason: String) -> DownloadError {
            unlink(partial.path)
            return DownloadError(url: request.url, reason: reason, resumable: false)
        }
        let input = open(partial.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw fail("the downloaded file is gone") }
        var information = stat()
        let size = fstat(input, &information) == 0 ? Int64(information.st_size) : 0
        func bytes(_ count: Int, at offset: Int64) -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: count)
            let read = buffer.withUnsafeMutableBytes { pread(input, $0.baseAddress, count, off_t(offset)) }
            return Array(buffer.prefix(max(0, read)))
        }
        let head = bytes(1024, at: 0)
        let tail = bytes(4096, at: max(0, size - 4096))
        close(input)
        if request.wantsPDF {
            guard Attachment.isPDF(head) else {
                let type = response.header("Content-Type").map { " (\($0.split(separator: ";").first.map(String.init) ?? $0))" } ?? ""
                let what = Attachment.Kind(firstBytes: head) == .html ? "a web page" : "not a PDF"
                throw fail("the server sent \(what)\(type) instead of a PDF: perhaps a login or captcha page")
            }
            guard Attachment.hasPDFEnd(tail) else { throw fail("the PDF is incomplete (it has no end-of-file marker): the server sent \(ByteCount.text(size))") }
        }
        if let declared = response.header("Content-Range").flatMap({ $0.split(separator: "/").last }).flatMap({ Int64($0) }) ?? (response.status == 200 ? response.header("Content-Length").flatMap { Int64($0) } : nil),
           declared != size {
            throw fail("the server said the file has \(declared) bytes and sent \(size)")
        }
        let contents: FileStore.Contents
        if let seen = incoming.contents(ifSize: size) {
            contents = seen
        } else {
            do { contents = try store.contents(of: partial) } catch { throw fail(error.description) }
        }
        if let expected = request.expectedHash, expected != contents.hash {
            throw fail("the file's SHA-256 is \(contents.hash.short)…, not the \(expected.short)… its attachment names")
        }
        return Received(url: request.url, partial: partial, contents: contents)
    }
}

/// A download that failed, with its URL and why.
public struct DownloadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file's URL.
    public var url: URL
    /// What went wrong, in words.
    public var reason: String
    /// Whether what arrived was kept, so that the next attempt resumes it.
    public var resumable: Bool
    /// The HTTP status of an answer that was not the file (404, 401, ...).
    public var status: Int?
    /// How the transfer failed, when it did (the server could not be reached, the
    /// connection was cut, ...): nil when the answer or the file was wrong.
    public var failure: HTTPFailure.Kind?

    /// Creates an error.
    public init(url: URL, reason: String, resumable: Bool, status: Int? = nil, failure: HTTPFailure.Kind? = nil) {
        self.url = url; self.reason = reason; self.resumable = resumable; self.status = status; self.failure = failure
    }

    public var description: String { "\(url.absoluteString): \(reason)" }
}
