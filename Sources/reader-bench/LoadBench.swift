import ArgumentParser
import Foundation
import Model
import Sync
import SyncWire

/// Many clients against one `reader-server`: each pushes and pulls in turn over
/// its own connection. Then checks that no acknowledged change was lost and that
/// every client holds the server's state, and prints throughput and latencies.
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

    func run() async throws {
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: work) } }
        let runner = Runner(reader: server)
        let database = work + "/server.sqlite"
        _ = try runner.output([server, "library", "create", "load", "--db", database])
        var tokens: [String] = []
        for index in 0..<clients {
            tokens.append(try runner.output([server, "token", "create", "--library", "load", "--device", "client-\(index)", "--db", database])
                .trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let serve = try Background([server, "serve", "--db", database, "--port", "0", "--log-level", "warning"], folder: work)
        defer { serve.stop() }
        guard let port = serve.firstLine.split(separator: ":").last.flatMap({ Int($0) }) else { throw BenchError("reader-server printed \(serve.firstLine)") }
        let url = "http://127.0.0.1:\(port)/v1/libraries/load"

        let rounds = self.rounds
        let start = DispatchTime.now().uptimeNanoseconds
        let finished = try await withThrowingTaskGroup(of: ClientResult.self) { group in
            for (index, token) in tokens.enumerated() {
                group.addTask { try await Self.client(index: index, url: url, token: token, rounds: rounds) }
            }
            var all: [ClientResult] = []
            for try await result in group { all.append(result) }
            return all
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rss = Self.peakRSS(of: serve.process.processIdentifier)
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
        let pushes = results.flatMap(\.pushLatencies), pulls = results.flatMap(\.pullLatencies)
        print("# reader-bench load\n")
        print("\(clients) clients × \(rounds) rounds (each a push of 3 changes, then a pull), one reader-server (release), loopback, \(ProcessInfo.processInfo.activeProcessorCount) cores\n")
        print("| clients | pushes | pulls | wall | pushes/s | pulls/s | push p50 | push p99 | pull p50 | pull p99 | server peak RSS | lost updates | converged |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        print("| \(clients) | \(pushes.count) | \(pulls.count) | \(String(format: "%.1f s", seconds)) | \(String(format: "%.0f", Double(pushes.count) / seconds)) | \(String(format: "%.0f", Double(pulls.count) / seconds)) | \(Self.percentile(pushes, 50)) | \(Self.percentile(pushes, 99)) | \(Self.percentile(pulls, 50)) | \(Self.percentile(pulls, 99)) | \(rss.map { "\($0 / 1024) MiB" } ?? "n/a") | \(problems.filter { $0.contains("lost") || $0.contains("missing") }.count) | \(problems.isEmpty ? "yes" : "no") |")
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
    static func client(index: Int, url: String, token: String, rounds: Int) async throws -> ClientResult {
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
            result.pushLatencies.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
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
