import Foundation
import Testing

/// A real `reader-server` on 127.0.0.1 with a temporary database, for tests.
///
/// It is started through a small Python shim that clears the signal mask the
/// test thread may have passed on, so that SIGTERM reaches the server and its
/// graceful shutdown can be tested.
final class ServerProcess {
    let folder: URL
    /// The SQLite file the server uses, unless it was given another database.
    var database: String { folder.appendingPathComponent("server.sqlite").path }
    /// The `--database` it is run with: ``database``, or a PostgreSQL URL.
    let databaseArgument: String
    /// The `--files` folder it serves with (the SQLite default, beside ``database``).
    let files: String
    private(set) var process: Process?
    private(set) var port: Int = 0
    let log: URL
    private var logHandle: FileHandle?

    static let binary: URL = ReaderProcess.binary.deletingLastPathComponent().appendingPathComponent("reader-server")

    /// A server on a new SQLite file, or on `database` (a PostgreSQL URL) with its
    /// files in `files` (by default, where a SQLite server in this folder keeps them).
    init(database given: String? = nil, files givenFiles: String? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-server-\(UUID().uuidString)")
        databaseArgument = given ?? folder.appendingPathComponent("server.sqlite").path
        files = givenFiles ?? folder.appendingPathComponent("server.sqlite.blobs").path
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        log = folder.appendingPathComponent("server.log")
        try Data().write(to: log)
    }

    deinit {
        stop(signal: SIGKILL)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs an administration command (`library create lab`) and returns its standard output.
    @discardableResult
    func admin(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let run = try Self.run(arguments + ["--database", databaseArgument])
        #expect(run.status == 0, "reader-server \(arguments.joined(separator: " ")): \(run.errors)", sourceLocation: sourceLocation)
        return run.output
    }

    /// Runs `reader-server` with these arguments alone; returns its exit status and what it printed.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    /// Starts serving, on `port` (0: a free one), and waits until it listens;
    /// `options` go to `serve` (`--quota 3MiB`).
    func start(port requested: Int = 0, options: [String] = []) throws {
        let stdout = folder.appendingPathComponent("stdout-\(UUID().uuidString)")
        try Data().write(to: stdout)
        let out = try FileHandle(forWritingTo: stdout)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
                             Self.binary.path, "serve", "--database", databaseArgument, "--files", files, "--host", "127.0.0.1", "--port", String(requested)] + options
        process.standardOutput = out
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.logHandle = handle
        for _ in 0..<400 {
            let text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
               let number = line.split(separator: ":").last.flatMap({ Int($0) }) {
                port = number
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.025)
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "reader-server did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")"])
    }

    /// Stops the server with a signal and waits for it; returns its exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32? {
        guard let process, process.isRunning else { return self.process?.terminationStatus }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        try? logHandle?.close()
        return process.terminationStatus
    }

    /// The library's URL on this server.
    func url(_ library: String) -> String { "http://127.0.0.1:\(port)/v1/libraries/\(library)" }

    /// What the server logged so far.
    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}
