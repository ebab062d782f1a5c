import Foundation
import Testing

/// `reader sync --watch` against a live `reader-server`: edits from another machine
/// and from another process on this one go through as they happen, a server that
/// goes away and comes back is found again, and Ctrl-C ends the watch cleanly.
@Suite("Live sync: reader sync --watch")
struct WatchTests {
    static func titles(_ reader: ReaderProcess) -> String {
        (try? reader.run(["list"]).stdout) ?? ""
    }

    @Test func editsArriveAndLeaveWhileWatchingAndCtrlCStopsCleanly() async throws {
        let server = try ServerProcess()
        try server.admin(["library", "create", "lab"])
        let tokenA = try server.admin(["token", "create", "--library", "lab", "--device", "a"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let tokenB = try server.admin(["token", "create", "--library", "lab", "--device", "b"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try server.start()
        let port = server.port
        let a = try ReaderProcess(), b = try ReaderProcess()
        defer { a.remove(); b.remove() }
        try a.ok(["remote", "set", server.url("lab"), "--token", tokenA])
        try b.ok(["remote", "set", server.url("lab"), "--token", tokenB])
        let log = b.folder.appendingPathComponent("watch.log")
        let watching = try b.start(["sync", "--watch", "--no-files"], output: log)
        defer { if watching.isRunning { watching.terminate() } }
        func said() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        #expect(try await FileSyncTests.wait { said().contains("watching ") }, "\(said())")

        // Another machine's edit arrives without B running a command.
        _ = try FileSyncTests.addPaper("Attention Over Time", to: a)
        try a.ok(["sync", "--no-files"])
        #expect(try await FileSyncTests.wait { Self.titles(b).contains("Attention Over Time") }, "B never received A's paper: \(said())")

        // Another process on B edits the library: the watch sends it, A receives it.
        try b.ok(["tag", "Attention Over Time", "+live"])
        #expect(try await FileSyncTests.wait {
            _ = try? a.run(["sync", "--no-files"])
            return ((try? a.run(["show", "Attention Over Time"]).stdout) ?? "").contains("live")
        }, "A never received B's tag: \(said())")

        // The server stops while B waits on it: it answers the waiting pull and stops
        // at once, not after the pull's 25 s; B keeps trying, then finds it again.
        let stopping = ContinuousClock.now
        #expect(server.stop(signal: SIGTERM) == 0)
        #expect(ContinuousClock.now - stopping < .seconds(20), "the server waited for the long poll to end")
        #expect(try await FileSyncTests.wait { said().contains("trying again in") }, "\(said())")
        try server.start(port: port)
        _ = try FileSyncTests.addPaper("After The Restart", to: a)
        try a.ok(["sync", "--no-files"])
        #expect(try await FileSyncTests.wait { Self.titles(b).contains("After The Restart") }, "B never came back: \(said())")

        kill(watching.processIdentifier, SIGINT)
        watching.waitUntilExit()
        #expect(watching.terminationStatus == 0, "\(said())")
        #expect(said().contains("stopped watching"), "\(said())")
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func watchAndDryRunAreRefusedTogether() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let result = try reader.run(["sync", "--watch", "--dry-run"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--watch and --dry-run"), "\(result.stderr)")
    }
}
