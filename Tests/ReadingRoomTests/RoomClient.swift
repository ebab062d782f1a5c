import Foundation
import HTTP
import Storage
import TestSupport

/// A reading room served by the built `reader-web` on a free loopback port, over a
/// library a test made, and requests to it.
///
/// A process, not a server in the test process: there its handlers would wait for
/// the threads of Swift's shared pool, which the other suites' blocking work (child
/// processes waited for) can hold for minutes when every suite runs at once.
struct RoomClient {
    let base: URL

    /// `reader-web` beside the test bundle (SwiftPM builds every product first), or `READER_WEB_BIN`.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["READER_WEB_BIN"] { return URL(fileURLWithPath: path) }
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), Bundle.main.bundleURL,
                          Bundle.main.bundleURL.deletingLastPathComponent()]
        for folder in candidates {
            let url = folder.appendingPathComponent("reader-web")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/reader-web")
    }()

    /// Runs `body` against a room over `library`, then stops the room. With a
    /// `token`, the room listens on 127.0.0.2 (not the default address) and asks for it.
    static func with<T: Sendable>(_ library: Library, token: String? = nil, _ body: (RoomClient) async throws -> T) async throws -> T {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("room-\(UUID().uuidString).txt")
        try Data().write(to: output)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--library", library.path, "--port", "0"] + (token.map { ["--host", "127.0.0.2", "--token", $0] } ?? [])
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        var base: URL?
        for _ in 0..<1200 where base == nil && process.isRunning {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("reading room at ") }) {
                base = URL(string: String(line.dropFirst("reading room at ".count).prefix(while: { $0 != "?" })).trimmingCharacters(in: CharacterSet(charactersIn: "/")))
            } else {
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        guard let base else {
            throw HTTPFailure(kind: .other, reason: "reader-web did not start: \((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
        }
        return try await body(RoomClient(base: base))
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
