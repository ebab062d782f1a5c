import Synchronization
import Foundation
import HTTP
import Model
import SyncWire

/// The sync protocol over HTTP (libcurl, loaded on the first request).
///
/// ```swift
/// let transport = try HTTPTransport(libraryURL: "http://127.0.0.1:8787/v1/libraries/lab", token: token)
/// ```
public final class HTTPTransport: SyncTransport, Sendable {
    /// The library's URL: `http://host:port/v1/libraries/NAME`.
    public let libraryURL: URL
    let token: String
    let timeout: TimeInterval
    private let counts = Mutex<(sent: Int, received: Int)>((0, 0))

    /// Creates a transport; the URL must be a library's URL on a server.
    public init(libraryURL text: String, token: String, timeout: TimeInterval = 30) throws {
        guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text),
              let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil,
              url.path.contains("/v1/libraries/") else {
            throw SyncError.notConfigured("the remote must be a library URL like http://host:8787/v1/libraries/NAME, not '\(text)'")
        }
        libraryURL = url
        self.token = token
        self.timeout = timeout
    }

    /// Bytes of request and response bodies moved so far (headers not counted).
    public var bytes: (sent: Int, received: Int) {
        counts.withLock { $0 }
    }

    func count(sent: Int, received: Int) {
        counts.withLock {
            $0.sent += sent
            $0.received += received
        }
    }

    public func session(node: NodeID) async throws -> Session {
        try await get(Session.self, path: "/session?node=\(node)")
    }

    public func changes(after cursor: Int64, limit: Int, notPushedBy node: NodeID?) async throws -> ChangesPage {
        try await get(ChangesPage.self, path: "/changes?cursor=\(cursor)&limit=\(limit)" + (node.map { "&node=\($0)" } ?? ""))
    }

    /// `GET …/changes?wait=S`: answers as soon as the server has changes after
    /// `cursor` (leaving out `node`'s own), or after `seconds` with an empty page.
    /// The long poll of `reader sync --watch` (which asks for one change: the sync
    /// that follows pulls the rest); cancelling the task ends it.
    public func waitForChanges(after cursor: Int64, notPushedBy node: NodeID?, upTo seconds: Int, limit: Int = 1) async throws -> ChangesPage {
        var request = try makeRequest(path: "/changes?cursor=\(cursor)&limit=\(limit)&wait=\(seconds)" + (node.map { "&node=\($0)" } ?? ""))
        request.timeout = timeout + TimeInterval(seconds)
        return try await send(request, as: ChangesPage.self)
    }

    public func push(body: String, idempotencyKey: String) async throws -> PushReceipt {
        var request = try makeRequest(path: "/push")
        request.method = "POST"
        request.headers += [("Content-Type", "application/json"), (WireProtocol.idempotencyKeyHeader, idempotencyKey)]
        request.body = Data(body.utf8)
        return try await send(request, as: PushReceipt.self)
    }

    private func get<T: WireMessage>(_ type: T.Type, path: String) async throws -> T {
        try await send(try makeRequest(path: path), as: type)
    }

    func makeRequest(path: String) throws -> HTTPRequest {
        guard let url = URL(string: libraryURL.absoluteString + path) else {
            throw SyncError.notConfigured("cannot form a URL from \(libraryURL) and \(path)")
        }
        return HTTPRequest(url: url, headers: [
            ("Authorization", "Bearer \(token)"),
            (WireProtocol.protocolHeader, String(WireProtocol.version)),
            ("Accept", "application/json"),
        ], timeout: timeout)
    }

    func send<T: WireMessage>(_ request: HTTPRequest, as type: T.Type) async throws -> T {
        let url = request.url.absoluteString
        let response: HTTPResponse
        do {
            response = try await HTTPClient.send(request)
        } catch {
            throw SyncError.unreachable(url: libraryURL.absoluteString, reason: error.description)
        }
        count(sent: request.body?.count ?? 0, received: response.body.count)
        guard response.status == 200 else { throw failure(response, url: url) }
        do {
            return try T(bytes: response.body)
        } catch {
            throw SyncError.badResponse(url: url, reason: "\(error)")
        }
    }

    /// The error an answer other than the one expected stands for.
    func failure(_ response: HTTPResponse, url: String) -> SyncError {
        if let error = try? WireErrorBody(bytes: response.body) {
            return .server(status: response.status, error: error)
        }
        return .badResponse(url: url, reason: "HTTP \(response.status) without a protocol error body")
    }
}
