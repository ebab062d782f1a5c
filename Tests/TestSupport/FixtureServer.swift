import Foundation

/// The recorded-responses server (`Tests/Fixtures/http/serve.py`) on a free port
/// of 127.0.0.1, stopped when the value is released.
public final class FixtureServer {
    let process = Process()
    /// Its port on 127.0.0.1.
    public let port: Int
    private let output: FileHandle
    private let log: URL

    /// Starts the server and waits for its port.
    public init() throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("reader-fixture-\(UUID().uuidString).log")
        try Data().write(to: log)
        output = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot.appendingPathComponent("Tests/Fixtures/http/serve.py").path, "--port", "0"]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var port: Int?
        for _ in 0..<100 {
            if let first = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").first, let number = Int(first) { port = number; break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let port else { process.terminate(); throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the fixture server did not start"]) }
        self.port = port
    }

    deinit {
        // SIGKILL: a child started from a test thread may inherit a mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }

    /// The environment that points `reader` at this server.
    public var environment: [String: String] {
        ["READER_ARXIV_API": "http://127.0.0.1:\(port)/api/query", "READER_CROSSREF_API": "http://127.0.0.1:\(port)/works",
         "READER_HF_API": "http://127.0.0.1:\(port)/api/daily_papers", "READER_ARXIV_INTERVAL": "0.2",
         "READER_ARXIV_PDF": "http://127.0.0.1:\(port)/arxiv-pdf", "READER_HF_SEARCH": "http://127.0.0.1:\(port)/api/papers/search"]
    }

    /// A URL on this server.
    public func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)" + path)!
    }

    /// The requests served so far: `GET PATH USER-AGENT`.
    public var requests: [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").dropFirst().map(String.init)
    }
}
