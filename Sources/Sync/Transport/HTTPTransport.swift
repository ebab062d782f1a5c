import Synchronization
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Model
import SyncWire

/// The sync protocol over HTTP with URLSession (libcurl on Linux).
///
/// ```swift
/// let transport = try HTTPTransport(libraryURL: "http://127.0.0.1:8787/v1/libraries/lab", token: token)
/// ```
public final class HTTPTransport: SyncTransport, Sendable {
    /// The library's URL: `http://host:port/v1/libraries/NAME`.
    public let libraryURL: URL
    let token: String
    let session: URLSession
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
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 4
        configuration.httpMaximumConnectionsPerHost = 1
        session = URLSession(configuration: configuration)
    }

    /// Bytes of request and response bodies moved so far (headers not counted).
    public var bytes: (sent: Int, received: Int) {
        counts.withLock { $0 }
    }

    private func count(sent: Int, received: Int) {
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

    public func push(body: String, idempotencyKey: String) async throws -> PushReceipt {
        var request = try makeRequest(path: "/push")
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(idempotencyKey, forHTTPHeaderField: WireProtocol.idempotencyKeyHeader)
        request.httpBody = Data(body.utf8)
        return try await send(request, as: PushReceipt.self)
    }

    private func get<T: WireMessage>(_ type: T.Type, path: String) async throws -> T {
        var request = try makeRequest(path: path)
        request.httpMethod = "GET"
        return try await send(request, as: type)
    }

    private func makeRequest(path: String) throws -> URLRequest {
        guard let url = URL(string: libraryURL.absoluteString + path) else {
            throw SyncError.notConfigured("cannot form a URL from \(libraryURL) and \(path)")
        }
        var request = URLRequest(url: url)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(String(WireProtocol.version), forHTTPHeaderField: WireProtocol.protocolHeader)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        return request
    }

    private func send<T: WireMessage>(_ request: URLRequest, as type: T.Type) async throws -> T {
        let url = request.url?.absoluteString ?? libraryURL.absoluteString
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw SyncError.unreachable(url: libraryURL.absoluteString, reason: (error as? URLError).map(Self.describe) ?? error.localizedDescription)
        }
        count(sent: request.httpBody?.count ?? 0, received: data.count)
        guard let http = response as? HTTPURLResponse else {
            throw SyncError.badResponse(url: url, reason: "not an HTTP response")
        }
        guard http.statusCode == 200 else {
            if let error = try? WireErrorBody(bytes: data) {
                throw SyncError.server(status: http.statusCode, error: error)
            }
            throw SyncError.badResponse(url: url, reason: "HTTP \(http.statusCode) without a protocol error body")
        }
        do {
            return try T(bytes: data)
        } catch {
            throw SyncError.badResponse(url: url, reason: "\(error)")
        }
    }

    static func describe(_ error: URLError) -> String {
        switch error.code {
        case .timedOut: "the request timed out"
        case .cannotConnectToHost: "the connection was refused"
        case .cannotFindHost: "the host name was not found"
        case .networkConnectionLost: "the connection was cut"
        case .notConnectedToInternet: "no network"
        default: error.localizedDescription
        }
    }
}
