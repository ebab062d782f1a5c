import Foundation
import HTTP
import Hummingbird
import Logging
import ReadingRoom
import Storage

/// A reading room running in this process on a free loopback port, and requests to it.
struct RoomClient {
    let base: URL

    /// Runs `body` against a room over `library`, then stops the room.
    static func with<T: Sendable>(_ library: Library, token: String? = nil, _ body: (RoomClient) async throws -> T) async throws -> T {
        let room = try ReadingRoom(library: library, token: token)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = room.application(host: "127.0.0.1", port: 0, logger: Logger(label: "room-test")) { port in continuation.yield(port) }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []); return nil }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), let base = URL(string: "http://127.0.0.1:\(port)") else {
                throw HTTPFailure(kind: .other, reason: "the room did not start")
            }
            let result = try await body(RoomClient(base: base))
            group.cancelAll()
            return result
        }
    }

    struct Page {
        var status: Int
        var html: String
        var headers: [(name: String, value: String)]
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    func get(_ path: String, headers: [(name: String, value: String)] = []) async throws -> Page {
        let response = try await HTTPClient.send(HTTP.HTTPRequest(url: try url(path), headers: headers))
        return Page(status: response.status, html: String(decoding: response.body, as: UTF8.self), headers: response.headers)
    }

    /// A form POST (redirects followed, as a browser does).
    func post(_ path: String, _ fields: [(String, String)], headers: [(name: String, value: String)] = []) async throws -> Page {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        let response = try await HTTPClient.send(HTTP.HTTPRequest(method: "POST", url: try url(path),
            headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers, body: Data(body.utf8)))
        return Page(status: response.status, html: String(decoding: response.body, as: UTF8.self), headers: response.headers)
    }

    /// The form key the room's pages carry.
    func formKey() async throws -> String {
        let html = try await get("/").html
        guard let range = html.range(of: #"data-form-key="([0-9a-f]+)""#, options: .regularExpression) else {
            throw HTTPFailure(kind: .other, reason: "no form key on the queue page")
        }
        return String(html[range].dropFirst("data-form-key=\"".count).dropLast())
    }

    func url(_ path: String) throws -> URL {
        guard let url = URL(string: base.absoluteString + path) else { throw HTTPFailure(kind: .other, reason: "bad path \(path)") }
        return url
    }
}
