import ArgumentParser
import Foundation
import Interchange
import Model

/// Sync over loopback: a release `reader-server` and release `reader` clients.
///
/// For each size: a source library of N papers (and N/5 notes) pushes everything
/// to an empty server; then an empty client's first sync, an incremental sync of
/// 10 changed fields (pushed by the source, pulled by the client), and a no-op
/// sync are timed as whole processes, with the bytes each moved on the wire
/// counted by a TCP proxy between client and server.
struct SyncBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Benchmark reader sync against reader-server over loopback."
    )

    @Option(help: "Library sizes (papers), comma-separated; each gets a fifth as many notes.") var sizes: String = "1000,100000"
    @Option(help: "Runs of the incremental and no-op syncs (the median is reported).") var runs: Int = 10
    @Option(help: "Runs of the first sync (each into a new empty library).") var firstRuns: Int = 3
    @Option(help: "The reader binary.") var reader: String = ".build/release/reader"
    @Option(help: "The reader-server binary.") var server: String = ".build/release/reader-server"
    @Option(help: "The seed listing titles and abstracts are drawn from.") var listing: String = "Examples/trending-papers.txt"
    @Option(help: "Working folder (removed at the end unless --keep).") var work: String = NSTemporaryDirectory() + "reader-bench-sync"
    @Flag(help: "Keep the working folder.") var keep = false
    @Option(help: "The server's database: a PostgreSQL URL (default: a SQLite file per size; each size makes a library of its own).") var database: String?

    func run() throws {
        for binary in [reader, server] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw ValidationError("\(binary) is not an executable; build it with `swift build -c release`")
        }
        let seed = try PapersListing.parse(try String(contentsOfFile: listing, encoding: .utf8), file: listing)
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: work) } }
        let runner = Runner(reader: reader)
        print("# reader-bench sync\n")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB; release build; server and clients on this machine over loopback; wall times of whole `reader` processes; bytes counted by a TCP proxy (headers included)\n")
        print("Baselines: `reader import` of the same records from a JSON backup (what the first sync writes, without a network), and `reader sync status` (a process that opens the library and reads its sync state, without a network).\n")
        print("| papers (notes) | field changes | seed push | first sync (median of \(firstRuns)) | restore from file | ratio | first sync RSS | incremental push, 10 fields | bytes up/down | incremental pull | bytes up/down | no-op sync | bytes up/down | sync status |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
            try measure(size: size, seed: seed, runner: runner)
        }
    }

    func measure(size: Int, seed: [PaperDraft], runner: Runner) throws {
        let folder = work + "/\(size)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var generator = Generator(seed: seed, count: size, folder: folder)
        generator.notes = size / 5
        let files = try generator.write()
        let source = folder + "/source.sqlite"
        // Baseline for the first sync: the same records restored from a local file.
        let restore = try runner.time([reader, "import", files.backup, "--library", source]).seconds

        let sqlite = folder + "/server.sqlite"
        let databaseArguments = ["--database", database ?? sqlite]
        let library = "bench-" + UUID().uuidString.prefix(8).lowercased()
        _ = try runner.output([server, "library", "create", library] + databaseArguments)
        let token = try runner.output([server, "token", "create", "--library", library, "--device", "bench"] + databaseArguments)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let serve = try Background([server, "serve"] + databaseArguments + ["--files", folder + "/files", "--port", "0", "--log-level", "warning"], folder: folder)
        defer { serve.stop() }
        guard let serverPort = serve.firstLine.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw BenchError("reader-server printed \(serve.firstLine)")
        }
        let counts = folder + "/counts"
        let proxy = try Background(["/usr/bin/env", "python3", "Benchmarks/count_proxy.py", String(serverPort), counts], folder: folder)
        defer { proxy.stop() }
        guard let proxyPort = Int(proxy.firstLine) else { throw BenchError("the proxy printed \(proxy.firstLine)") }
        let url = "http://127.0.0.1:\(proxyPort)/v1/libraries/\(library)"
        func wire() throws -> (Int, Int) {
            let parts = try String(contentsOfFile: counts, encoding: .utf8).split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
            guard parts.count == 2 else { throw BenchError("cannot read \(counts)") }
            return (parts[0], parts[1])
        }
        func timedSync(_ library: String) throws -> (seconds: Double, up: Int, down: Int) {
            let before = try wire()
            let seconds = try runner.time([reader, "sync", "--library", library]).seconds
            Thread.sleep(forTimeInterval: 0.05) // the proxy writes its totals when the connection closes
            let after = try wire()
            return (seconds, after.0 - before.0, after.1 - before.1)
        }

        _ = try runner.output([reader, "remote", "set", url, "--token", token, "--library", source])
        let seedPush = try runner.time([reader, "sync", "--library", source]).seconds
        let count = "SELECT count(*) FROM field_state WHERE library_id = (SELECT id FROM library WHERE name = '\(library)')"
        let changes = try runner.output(database.map { ["/usr/bin/env", "psql", "-X", "-A", "-t", $0, "-c", count] } ?? ["/usr/bin/sqlite3", sqlite, count])
            .trimmingCharacters(in: .whitespacesAndNewlines)

        var firsts: [Double] = []
        var client = ""
        var rss: Int?
        for run in 0..<max(1, firstRuns) {
            client = folder + "/client-\(run).sqlite"
            _ = try runner.output([reader, "remote", "set", url, "--token", token, "--library", client])
            if run == 0 {
                rss = try runner.peakRSS([reader, "sync", "--library", client])
                try? FileManager.default.removeItem(atPath: client)
                for suffix in ["-wal", "-shm", ".instance"] { try? FileManager.default.removeItem(atPath: client + suffix) }
                _ = try runner.output([reader, "remote", "set", url, "--token", token, "--library", client])
            }
            firsts.append(try timedSync(client).seconds)
        }

        let ids = try runner.output(["/usr/bin/sqlite3", source, "SELECT id FROM paper ORDER BY rowid LIMIT 10"])
            .split(separator: "\n").map(String.init)
        var pushes: [(Double, Int, Int)] = [], pulls: [(Double, Int, Int)] = [], noops: [(Double, Int, Int)] = []
        var statuses: [Double] = []
        for run in 0..<max(1, runs) {
            for id in ids { _ = try runner.output([reader, "status", id, run % 2 == 0 ? "reading" : "inbox", "--library", source]) }
            pushes.append(try timedSync(source))
            pulls.append(try timedSync(client))
            noops.append(try timedSync(client))
            statuses.append(try runner.time([reader, "sync", "status", "--library", client]).seconds)
        }
        func median(_ values: [(Double, Int, Int)]) -> (Double, Int, Int) { values.sorted { $0.0 < $1.0 }[values.count / 2] }
        let push = median(pushes), pull = median(pulls), noop = median(noops)
        let first = Figures.median(firsts)
        print("| \(size) (\(size / 5)) | \(changes) | \(Figures.ms(seedPush)) | \(Figures.ms(first)) | \(Figures.ms(restore)) | \(String(format: "%.2fx", first / restore)) | \(Figures.mib(rss)) | \(Figures.ms(push.0)) | \(push.1) / \(push.2) | \(Figures.ms(pull.0)) | \(pull.1) / \(pull.2) | \(Figures.ms(noop.0)) | \(noop.1) / \(noop.2) | \(Figures.ms(Figures.median(statuses))) |")
        print("")
        print("first syncs: \(firsts.map { Figures.ms($0) }.joined(separator: ", ")); incremental pushes: \(pushes.map { Figures.ms($0.0) }.joined(separator: ", ")); pulls: \(pulls.map { Figures.ms($0.0) }.joined(separator: ", ")); no-ops: \(noops.map { Figures.ms($0.0) }.joined(separator: ", "))\n")
    }
}

/// A process running in the background whose first output line is read.
final class Background {
    let process = Process()
    let firstLine: String

    init(_ arguments: [String], folder: String) throws {
        let out = folder + "/background-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: out) else { throw BenchError("cannot write \(out)") }
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: String?
        for _ in 0..<400 {
            if let text = try? String(contentsOfFile: out, encoding: .utf8), let first = text.split(separator: "\n").first { line = String(first); break }
            Thread.sleep(forTimeInterval: 0.025)
        }
        guard let line else { process.terminate(); throw BenchError("\(arguments.joined(separator: " ")) printed nothing") }
        firstLine = line
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
