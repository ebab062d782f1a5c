import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `reader serve` as a user runs it: the real `reader`, which runs `reader-web`.
@Suite struct ServeTests {
    /// `reader serve ARGS` started with a clean signal mask (so that SIGINT reaches
    /// it, as Ctrl-C does), and the address it printed.
    static func serve(_ reader: ReaderProcess, _ arguments: [String], environment: [String: String] = [:]) throws -> (process: Process, address: String, output: URL) {
        let output = reader.folder.appendingPathComponent("serve-\(UUID().uuidString)")
        try Data().write(to: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
                             ReaderProcess.binary.path, "serve", "--library", reader.library] + arguments
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        try process.run()
        for _ in 0..<400 {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("reading room at ") }) {
                return (process, String(line.dropFirst("reading room at ".count)), output)
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.025)
        }
        process.terminate()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "reader serve did not start: \((try? String(contentsOf: output, encoding: .utf8)) ?? "")"])
    }

    static func get(_ address: String, headers: [String: String] = [:]) async throws -> (status: Int, body: String) {
        guard let url = URL(string: address) else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func serveListensOnLoopbackShowsTheLibraryAndStopsCleanlyOnCtrlC() async throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["import", seedListing])
        let (process, address, _) = try Self.serve(reader, ["--port", "0"])
        defer { if process.isRunning { process.terminate() } }
        #expect(address.hasPrefix("http://127.0.0.1:") && !address.contains("token"))
        let queue = try await Self.get(address)
        #expect(queue.status == 200 && queue.body.contains("inbox <b>97</b>"))
        #expect(try await Self.get(address + "search?q=krylov").body.contains("Krylov Subspace Recycling"))
        // Commands go on using the library while the room serves it.
        try reader.ok(["tag", "krylov", "+while-serving"])
        #expect(try await Self.get(address + "tags").body.contains("#while-serving"))
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "Ctrl-C stops it cleanly")
    }

    @Test func serveOnAnotherAddressAsksForTheTokenItPrints() async throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        // 127.0.0.2 is loopback too on Linux, but not the default address: a token is required.
        let (process, address, _) = try Self.serve(reader, ["--port", "0", "--host", "127.0.0.2"])
        defer { process.terminate(); process.waitUntilExit() }
        let parts = address.components(separatedBy: "?token=")
        #expect(parts.count == 2 && parts[1].count == 32, "\(address)")
        let without = try await Self.get(parts[0])
        #expect(without.status == 401 && without.body.contains("asks for its token"))
        let with = try await Self.get(parts[0], headers: ["Authorization": "Bearer \(parts[1])"])
        #expect(with.status == 200 && with.body.contains("<h1>Queue</h1>"))
    }

    @Test func serveRefusesATokenOnLoopbackAndSaysWhenReaderWebIsMissing() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let token = try reader.run(["serve", "--token", "0123456789abcdef0123"])
        #expect(token.status == 64 && token.stderr.contains("--token goes with --host"), "\(token.stderr)")
        // A reader copied alone onto the PATH.
        let alone = reader.folder.appendingPathComponent("bin/reader")
        try FileManager.default.createDirectory(at: alone.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: ReaderProcess.binary, to: alone)
        let missing = try reader.run(["serve", "--port", "0"], executable: alone.path)
        #expect(missing.status == 1 && missing.stderr.contains("runs reader-web, which is not beside reader"), "\(missing.stderr)")
    }
}

extension ServeTests {
    /// The README's `reader serve --open`, exactly, with an opener that writes down
    /// what it was asked to open (on the default port 8790, when it is free).
    @Test func theREADMEsServeOpenOpensTheRoomsAddressWithTheOpener() async throws {
        if (try? await Self.get("http://127.0.0.1:8790/")) != nil {
            Issue.record("port 8790 is taken on this machine: the README's `reader serve --open` cannot be run as written")
            return
        }
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let opened = reader.folder.appendingPathComponent("opened")
        let (process, address, _) = try Self.serve(reader, ["--open"], environment: ["READER_OPENER": "echo >'\(opened.path)'"])
        defer { process.terminate(); process.waitUntilExit() }
        #expect(address == "http://127.0.0.1:8790/")
        var text = ""
        for _ in 0..<200 where text.isEmpty {
            text = (try? String(contentsOf: opened, encoding: .utf8)) ?? ""
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(text == "http://127.0.0.1:8790/\n", "the opener was given the room's address")
    }
}
