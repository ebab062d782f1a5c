import Foundation
import Testing
@_exported import TestSupport

/// Runs the built `reader` binary against a temporary library.
///
/// The binary is found beside the test bundle (SwiftPM builds every product
/// before the tests), or at `READER_BIN`.
struct ReaderProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let folder: URL
    var library: String { folder.appendingPathComponent("library.sqlite").path }

    /// A temporary folder; with `createLibrary`, a library made in it first, so
    /// that the commands a test runs print exactly what they print on an existing
    /// library (a new one is announced on stderr).
    init(createLibrary: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if createLibrary {
            let made = try run(["stats"])
            #expect(made.status == 0 && made.stderr == "Created a new library at \(library)\n", "\(made.stderr)")
        }
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["READER_BIN"] { return URL(fileURLWithPath: path) }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for folder in candidates {
            let url = folder.appendingPathComponent("reader")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/reader")
    }()

    /// Runs `reader ARGS --library <temp>` (unless `useLibraryOption` is false),
    /// then `extra`. With `rawArguments`, runs `executable` with `arguments` after
    /// the first (its own path) exactly as given.
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, useLibraryOption: Bool = true,
             executable: String? = nil, extra: [String] = [], rawArguments: Bool = false) throws -> Result {
        let process = Process()
        process.executableURL = executable.map(URL.init(fileURLWithPath:)) ?? Self.binary
        process.arguments = rawArguments ? Array(arguments.dropFirst()) : arguments + (useLibraryOption ? ["--library", library] : []) + extra
        var env = ProcessInfo.processInfo.environment
        env["READER_LIBRARY"] = nil
        env["NO_COLOR"] = nil
        // Tests never reach the real services: unless a test serves recorded
        // responses, every lookup goes to a closed port on this machine.
        env["READER_ARXIV_API"] = "http://127.0.0.1:9/api/query"
        env["READER_CROSSREF_API"] = "http://127.0.0.1:9/works"
        env["READER_HF_API"] = "http://127.0.0.1:9/api/daily_papers"
        env["READER_HF_SEARCH"] = "http://127.0.0.1:9/api/papers/search"
        env["READER_ARXIV_PDF"] = "http://127.0.0.1:9/pdf"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = repositoryRoot
        let id = UUID().uuidString
        let out = folder.appendingPathComponent("out-\(id)"), err = folder.appendingPathComponent("err-\(id)")
        try Data().write(to: out)
        try Data().write(to: err)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        if let stdin {
            let input = folder.appendingPathComponent("in-\(id)")
            try Data(stdin.utf8).write(to: input)
            process.standardInput = try FileHandle(forReadingFrom: input)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return Result(status: process.terminationStatus,
                      stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// Starts `reader ARGS --library <temp>` without waiting for it (to be killed
    /// midway, or stopped); its output goes to `output` when given, else nowhere.
    func start(_ arguments: [String], environment: [String: String] = [:], output: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments + ["--library", library]
        var env = ProcessInfo.processInfo.environment
        env["READER_LIBRARY"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = repositoryRoot
        if let output {
            try Data().write(to: output)
            let handle = try FileHandle(forWritingTo: output)
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs and requires success; returns standard output.
    @discardableResult
    func ok(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments, environment: environment, stdin: stdin)
        #expect(result.status == 0, "reader \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs with `--json` and decodes the output.
    func json(_ arguments: [String]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try ok(arguments + ["--json"]).utf8))
    }
}

let seedListing = "Examples/trending-papers.txt"

/// Runs a Python script of the repository (`Tests/Validation/…`) and returns its
/// exit status and combined output; records an issue naming the missing packages
/// when the validators are not installed.
func runPythonScript(_ arguments: [String], environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> (status: Int32, output: String)? {
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3"] + arguments
    python.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    python.currentDirectoryURL = repositoryRoot
    let pipe = Pipe()
    python.standardOutput = pipe
    python.standardError = pipe
    try python.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    python.waitUntilExit()
    print(output)
    if output.contains("ModuleNotFoundError") || output.contains("No module named") {
        Issue.record("the validators are not installed: pip install -r Tests/Validation/requirements.txt\n\(output)", sourceLocation: sourceLocation)
        return nil
    }
    return (python.terminationStatus, output)
}

/// ``runPythonScript(_:environment:sourceLocation:)`` on a thread of its own: a
/// validator that runs for minutes (the real-world corpus) must not hold one of the
/// few threads that every other test's async work runs on (two on a 2-core machine;
/// CI saw a cancelled transfer wait 7 minutes for one).
func runPythonScriptOffThePool(_ arguments: [String], environment: [String: String] = [:],
                               sourceLocation: SourceLocation = #_sourceLocation) async throws -> (status: Int32, output: String)? {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try runPythonScript(arguments, environment: environment, sourceLocation: sourceLocation) })
        }
    }
}
