import ArgumentParser
import Foundation
import Model
import Sync
import Synchronization
import SyncWire

/// Many clients against `reader-server`: each pushes and pulls in turn over its own
/// connection, while a watcher holds a long poll (`changes?wait=`) and notes when
/// each push reaches it. Then checks that no acknowledged change was lost and that
/// every client holds the server's state, and prints throughput and latencies.
///
/// The server is one instance on a SQLite file by default; `--database postgres://…`
/// (an empty database, or one earlier runs used: each run makes a library of its own)
/// with `--instances N` runs N instances over it, client i talking to instance i mod N
/// and the watcher to the first, so that most pushes reach it through PostgreSQL's NOTIFY.
struct LoadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load reader-server with concurrent clients pushing and pulling."
    )

    @Option(help: "Concurrent clients.") var clients = 50
    @Option(help: "Push-and-pull rounds per client.") var rounds = 200
    @Option(help: "The reader-server binary.") var server: String = ".build/release/reader-server"
    @Option(help: "Working folder (removed at the end unless --keep).") var work: String = NSTemporaryDirectory() + "reader-bench-load"
    @Flag(help: "Keep the working folder and the server running database.") var keep = false
    @Option(help: "The server's database: a PostgreSQL URL (default: a SQLite file in the working folder).") var database: String?
    @Option(help: "Server instances over the database (PostgreSQL only).") var instances = 1
    @Option(name: .customLong("push-group"), help: "The most pushes to one library one transaction holds (1: group commit off).") var pushGroup = 64

    func run() async throws {
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: work) } }
        let runner = Runner(reader: server)
        guard instances >= 1, instances == 1 || database?.hasPrefix("postgres") == true else {
            throw ValidationError("--instances above 1 takes a PostgreSQL --database")
        }
        let databaseArguments = ["--database", database ?? work + "/server.sqlite"]
        let library = "load-" + UUID().uuidString.prefix(8).lowercased()
        _ = try runner.output([server, "library", "create", library] + databaseArguments)
        var tokens: [String] = []
        for index in 0...clients {
            tokens.append(try runner.output([server, "token", "create", "--library", library, "--device", "client-\(index)"] + databaseArguments)
                .trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let watcherToken = tokens.removeLast()
        var serves: [Background] = []
        defer { for serve in serves { serve.stop() } }
        var urls: [String] = []
        for _ in 0..<instances {
            let serve = try Background([server, "serve"] + databaseArguments + ["--files", work + "/files", "--port", "0",
                                        "--log-level", "warning", "--push-group", String(pushGroup)], folder: work)
            serves.append(serve)
            guard let port = serve.firstLine.split(separator: ":").last.flatMap({ Int($0) }) else { throw BenchError("reader-server printed \(serve.firstLine)") }
            urls.append("http://127.0.0.1:\(port)/v1/libraries/\(library)")
        }
        let url = urls[0]

        let rounds = self.rounds
        let answered = PushAnswers()
        let watcher = Task { try await Self.watch(url: url, token: watcherToken) }
        let start = DispatchTime.now().uptimeNanoseconds
        let finished = try await withThrowingTaskGroup(of: ClientResult.self) { group in
            for (index, token) in tokens.enumerated() {
                let url = urls[index % urls.count]
                group.addTask { try await Self.client(index: index, url: url, token: token, rounds: rounds, answered: answered) }
            }
            var all: [ClientResult] = []
            for try await result in group { all.append(result) }
            return all
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rss = serves.compactMap { Self.peakRSS(of: $0.process.processIdentifier) }.max()
        // From each push's answer to the watcher's long-poll answer that held it (a
        // push whose title a later round replaced before the watcher asked is not seen).
        try await Task.sleep(for: .seconds(1))
        watcher.cancel()
        let seen = try await watcher.value
        let pushAnswers = answered.times.withLock { $0 }
        let live = seen.compactMap { key, at in pushAnswers[key].map { Double(at > $0 ? at - $0 : 0) / 1e6 } }
        // Every client, once all have finished, pulls what the others pushed last.
        var settled: [ClientResult] = []
        for var result in finished {
            let transport = try HTTPTransport(libraryURL: url, token: tokens[result.index])
            (result.state, result.cursor) = try await Self.pullAll(transport, into: result.state, from: result.cursor)
            settled.append(result)
        }
        let results = settled

        // The server's state from cursor 0, as a new client would get it.
        let reference = try HTTPTransport(libraryURL: url, token: tokens[0])
        let state = try await Self.pullAll(reference, into: [:], from: 0).state
        var problems: [String] = []
        for result in results where result.state != state {
            let differing = state.keys.filter { result.state[$0] != state[$0] }.sorted()
            problems.append("client \(result.index) differs from the server on \(differing.count) of \(state.count) fields, e.g. \(differing.first.map { "\($0): \(String(describing: result.state[$0])) vs \(String(describing: state[$0]))" } ?? "")")
        }
        for result in results {
            for (key, acked) in result.lastAcked {
                guard let final = state[key] else { problems.append("\(key) acknowledged but missing"); continue }
                if final.hlc < acked.hlc { problems.append("\(key): an acknowledged write at \(acked.hlc) was lost (kept \(final.hlc))") }
            }
        }
        if live.isEmpty { problems.append("the watcher saw no push") }
        let pushes = results.flatMap(\.pushLatencies), pulls = results.flatMap(\.pullLatencies)
        let store = (database == nil ? "SQLite" : "PostgreSQL") + (pushGroup == 1 ? ", group commit off" : "")
        print("# reader-bench load\n")
        print("\(clients) clients × \(rounds) rounds (each a push of 3 changes, then a pull), \(instances) reader-server instance\(instances == 1 ? "" : "s") (release) on \(store), a watcher long-polling, loopback, \(ProcessInfo.processInfo.activeProcessorCount) cores\n")
        print("| store | instances | clients | pushes | pulls | wall | pushes/s | pulls/s | push p50 | push p99 | pull p50 | pull p99 | live p50 | live p99 | server peak RSS | lost updates | converged |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        print("| \(store) | \(instances) | \(clients) | \(pushes.count) | \(pulls.count) | \(String(format: "%.1f s", seconds)) | \(String(format: "%.0f", Double(pushes.count) / seconds)) | \(String(format: "%.0f", Double(pulls.count) / seconds)) | \(Self.percentile(pushes, 50)) | \(Self.percentile(pushes, 99)) | \(Self.percentile(pulls, 50)) | \(Self.percentile(pulls, 99)) | \(Self.percentile(live, 50)) | \(Self.percentile(live, 99)) | \(rss.map { "\($0 / 1024) MiB" } ?? "n/a") | \(problems.filter { $0.contains("lost") || $0.contains("missing") }.count) | \(problems.isEmpty ? "yes" : "no") |")
        if !problems.isEmpty {
            for problem in problems.prefix(20) { print("problem: \(problem)") }
            throw ExitCode.failure
        }
    }

    struct ClientResult: Sendable {
        var index: Int
        var pushLatencies: [Double] = []
        var pullLatencies: [Double] = []
        var state: [String: PulledChange] = [:]
        var lastAcked: [String: Stamped] = [:]
        var cursor: Int64 = 0
    }

    /// One client: a node of its own writing its own paper and a field every client writes.
    static func client(index: Int, url: String, token: String, rounds: Int, answered: PushAnswers) async throws -> ClientResult {
        let transport = try HTTPTransport(libraryURL: url, token: token)
        let node = NodeID(rawValue: UInt64(index + 1))
        let own = String(format: "00000000-0000-5000-8000-%012d", index + 1)
        let shared = "00000000-0000-5000-8000-000000000000"
        var result = ClientResult(index: index)
        var cursor: Int64 = 0
        var nseq: Int64 = 0
        var lastMillis: UInt64 = 0
        for round in 0..<rounds {
            var millis = UInt64(Date().timeIntervalSince1970 * 1000)
            millis = max(millis, lastMillis + 1)
            lastMillis = millis
            let hlc = HLC(millis: millis, counter: 0, node: node)
            let changes: [(String, String, JSONValue)] = [(own, "title", .string("client \(index) round \(round)")),
                                                          (own, "year", .int(Int64(round))),
                                                          (shared, "venue", .string("client \(index) round \(round)"))]
            let pushed = changes.map { change -> PushedChange in
                nseq += 1
                return PushedChange(nseq: nseq, entity: "paper", id: change.0, field: change.1, value: change.2, hlc: hlc)
            }
            let body = PushRequest(node: node, changes: pushed).jsonText
            let started = DispatchTime.now().uptimeNanoseconds
            let receipt = try await transport.push(body: body, idempotencyKey: "client-\(index)-\(round)")
            let done = DispatchTime.now().uptimeNanoseconds
            answered.times.withLock { $0["client \(index) round \(round)"] = done }
            result.pushLatencies.append(Double(done - started) / 1e6)
            for (change, outcome) in zip(pushed, receipt.results) where outcome.outcome == .applied {
                result.lastAcked["paper/\(change.id)/\(change.field)"] = Stamped(change.value, at: change.hlc)
            }
            let pulledAt = DispatchTime.now().uptimeNanoseconds
            let page = try await transport.changes(after: cursor, limit: 1000, notPushedBy: nil)
            result.pullLatencies.append(Double(DispatchTime.now().uptimeNanoseconds - pulledAt) / 1e6)
            for change in page.changes { result.state["\(change.entity)/\(change.id)/\(change.field)"] = change }
            cursor = page.cursor
        }
        (result.state, result.cursor) = try await pullAll(transport, into: result.state, from: cursor)
        return result
    }

    /// When each push was answered, by its title.
    final class PushAnswers: Sendable {
        let times = Mutex<[String: UInt64]>([:])
    }

    /// The watcher: long polls from its cursor (any number of changes per answer)
    /// until cancelled; returns when each push's title first reached it.
    static func watch(url: String, token: String) async throws -> [String: UInt64] {
        let transport = try HTTPTransport(libraryURL: url, token: token)
        var seen: [String: UInt64] = [:]
        var cursor: Int64 = 0
        while !Task.isCancelled {
            let page: ChangesPage
            do {
                page = try await transport.waitForChanges(after: cursor, notPushedBy: nil, upTo: 25, limit: 5000)
            } catch {
                if Task.isCancelled { break }
                throw error
            }
            let at = DispatchTime.now().uptimeNanoseconds
            for change in page.changes where change.field == "title" {
                if case .string(let title) = change.value, seen[title] == nil { seen[title] = at }
            }
            cursor = page.cursor
        }
        return seen
    }

    /// Pulls every page from `cursor`, keeping the latest value of each field.
    static func pullAll(_ transport: HTTPTransport, into state: [String: PulledChange], from cursor: Int64) async throws -> (state: [String: PulledChange], cursor: Int64) {
        var state = state, cursor = cursor
        while true {
            let page = try await transport.changes(after: cursor, limit: 5000, notPushedBy: nil)
            for change in page.changes { state["\(change.entity)/\(change.id)/\(change.field)"] = change }
            cursor = page.cursor
            if !page.hasMore || page.changes.isEmpty { return (state, cursor) }
        }
    }

    static func percentile(_ values: [Double], _ p: Int) -> String {
        guard !values.isEmpty else { return "n/a" }
        let sorted = values.sorted()
        return String(format: "%.1f ms", sorted[min(sorted.count - 1, sorted.count * p / 100)])
    }

    /// The peak resident memory of a running process, in KiB (`VmHWM`).
    static func peakRSS(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "")
    }
}
