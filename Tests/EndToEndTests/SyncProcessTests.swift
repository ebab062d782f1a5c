import Foundation
import Testing

/// Sync between real processes: `reader-server` on a free loopback port and two
/// `reader` libraries, each with its own device token.
@Suite("Sync between real processes", .serialized)
struct SyncProcessTests {
    struct Setup {
        let server: ServerProcess
        let a: ReaderProcess, b: ReaderProcess
        let tokenA: String, tokenB: String
    }

    static func setUp() throws -> Setup {
        let server = try ServerProcess()
        #expect(try server.admin(["library", "create", "lab"]).contains("created library lab"))
        let tokenA = try server.admin(["token", "create", "--library", "lab", "--device", "laptop"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let tokenB = try server.admin(["token", "create", "--library", "lab", "--device", "desktop"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try server.start()
        let a = try ReaderProcess(), b = try ReaderProcess()
        try a.ok(["remote", "set", server.url("lab"), "--token", tokenA])
        try b.ok(["remote", "set", server.url("lab"), "--token", tokenB])
        return Setup(server: server, a: a, b: b, tokenA: tokenA, tokenB: tokenB)
    }

    static func dump(_ reader: ReaderProcess) throws -> String {
        try reader.ok(["export", "--format", "json", "--canonical"])
    }

    static func ids(_ reader: ReaderProcess) throws -> [String] {
        let papers = try #require(try reader.json(["list", "--limit", "100000"]) as? [[String: Any]])
        return papers.compactMap { $0["id"] as? String }.sorted()
    }

    @Test func twoMachinesConvergeAfterOfflineEditsWithoutLosingText() throws {
        let setup = try Self.setUp()
        let (server, a, b) = (setup.server, setup.a, setup.b)
        defer { a.remove(); b.remove() }
        try a.ok(["import", seedListing])
        #expect(try a.ok(["sync"]).contains("sent "))
        try b.ok(["sync"])
        let ids = try Self.ids(a)
        #expect(ids.count == 97)
        #expect(try Self.ids(b) == ids)

        // A shared note, synced to both.
        let read = ids[0], trashed = ids[1]
        try a.ok(["note", "add", read, "first line\nsecond line\nthird line"])
        try a.ok(["sync"])
        try b.ok(["sync"])
        let notes = try #require(try a.json(["note", "list", read]) as? [[String: Any]])
        let shared = try #require(notes.first?["id"] as? String)

        // Offline on both machines.
        try a.ok(["done", read])
        try a.ok(["tag", read, "+from-laptop"])
        try b.ok(["tag", read, "+from-desktop"])
        try b.ok(["note", "add", read, "typed on the desktop"])
        try a.ok(["note", "edit", shared, "first line\nsecond line, laptop version\nthird line"])
        try b.ok(["note", "edit", shared, "first line\nsecond line, desktop version\nthird line"])
        try a.ok(["rm", trashed])
        try b.ok(["status", trashed, "reading"])

        try a.ok(["sync"])
        let fromB = try b.ok(["sync"])
        #expect(fromB.contains("conflict copy"))
        try a.ok(["sync"])

        let dumpA = try Self.dump(a), dumpB = try Self.dump(b)
        #expect(dumpA == dumpB, "the canonical dumps differ")
        #expect(try server.admin(["dump", "--library", "lab"]) == dumpA, "the server's dump differs")
        let detail = try #require(try a.json(["show", read]) as? [String: Any])
        #expect(Set(detail["tags"] as? [String] ?? []) == ["from-laptop", "from-desktop"])
        #expect(detail["status"] as? String == "read")
        let finalNotes = try #require(try b.json(["note", "list", read]) as? [[String: Any]])
        let bodies = finalNotes.compactMap { $0["body"] as? String }
        #expect(bodies.contains("first line\nsecond line, laptop version\nthird line"))
        #expect(bodies.contains("first line\nsecond line, desktop version\nthird line"), "the desktop's text is in no note")
        #expect(bodies.contains("typed on the desktop"))
        #expect(finalNotes.contains { $0["conflict_of"] as? String == shared })
        let trashedPaper = try #require(try a.json(["show", trashed]) as? [String: Any])
        #expect(trashedPaper["trashed"] as? Bool == true)
        #expect(trashedPaper["status"] as? String == "reading")

        // The status commands describe a settled library.
        let status = try a.ok(["sync", "status"])
        #expect(status.contains("pending         0 field changes in 0 records"))
        let dryRun = try a.ok(["sync", "--dry-run"])
        #expect(dryRun.contains("would send 0 field changes") && dryRun.contains("nothing was written"))
        #expect(try Self.dump(a) == dumpA)
    }

    /// Papers as CSL-JSON, to give a library many records quickly.
    static func cslItems(_ count: Int) -> String {
        "[" + (0..<count).map { i in
            #"{"id":"p\#(i)","type":"article","title":"Generated paper number \#(i) on sparse attention","author":[{"family":"Author\#(i % 97)","given":"Ada"}],"issued":{"date-parts":[[2024,\#(1 + i % 12)]]},"abstract":"An abstract of paper \#(i): \#(String(repeating: "words about models ", count: 8))","DOI":"10.5555/gen.\#(i)"}"#
        }.joined(separator: ",\n") + "]"
    }

    /// Starts `reader sync` without waiting for it.
    static func startSync(_ reader: ReaderProcess) throws -> Process {
        let process = Process()
        process.executableURL = ReaderProcess.binary
        process.arguments = ["sync", "--library", reader.library]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until the server has logged `count` answered requests ending in `path`.
    static func waitForRequests(_ server: ServerProcess, path: String, count: Int, while process: Process) -> Bool {
        for _ in 0..<3000 {
            let served = server.logText.components(separatedBy: "path=/v1/libraries/lab/\(path) status=200").count - 1
            if served >= count { return true }
            if !process.isRunning { return false }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }

    /// Starts `reader sync`, kills the server with SIGKILL once it has answered
    /// `count` requests to `path`, and starts it again on the same port. Returns
    /// whether the sync was caught in the middle (it failed).
    static func killServerDuringSync(_ reader: ReaderProcess, server: ServerProcess, path: String, after count: Int, port: Int) throws -> Bool {
        let syncing = try startSync(reader)
        let caught = waitForRequests(server, path: path, count: count, while: syncing)
        server.stop(signal: SIGKILL)
        syncing.waitUntilExit()
        try server.start(port: port)
        return caught && syncing.terminationStatus != 0
    }

    @Test func killingTheServerInTheMiddleOfLargeSyncsLosesNothing() throws {
        let setup = try Self.setUp()
        let (server, a, b) = (setup.server, setup.a, setup.b)
        defer { a.remove(); b.remove() }
        let file = a.folder.appendingPathComponent("many.json")
        try Self.cslItems(4000).write(to: file, atomically: true, encoding: .utf8)
        try a.ok(["import", file.path])
        let port = server.port

        #expect(try Self.killServerDuringSync(a, server: server, path: "push", after: 5, port: port),
                "the push finished before the server was killed")
        try a.ok(["sync"])
        #expect(try Self.killServerDuringSync(b, server: server, path: "changes", after: 2, port: port),
                "the pull finished before the server was killed")
        try b.ok(["sync"])
        try a.ok(["sync"])

        #expect(try Self.ids(b).count == 4000)
        #expect(try Self.dump(a) == Self.dump(b))
        #expect(try server.admin(["dump", "--library", "lab"]) == Self.dump(a))
        #expect(try b.ok(["sync", "status"]).contains("pending         0 field changes in 0 records"))
    }

    @Test func tokensAreShownOnceListedWithoutTheSecretAndRevocable() throws {
        let setup = try Self.setUp()
        let (server, a) = (setup.server, setup.a)
        defer { a.remove(); setup.b.remove() }
        let list = try server.admin(["token", "list"])
        #expect(list.contains("laptop") && list.contains("desktop"))
        #expect(!list.contains(setup.tokenA) && !list.contains(setup.tokenB))
        #expect(!((try? String(contentsOfFile: server.database, encoding: .isoLatin1)) ?? "").contains(setup.tokenA))
        try a.ok(["sync"])
        let laptop = try #require(list.split(separator: "\n").first { $0.contains("laptop") }?.split(separator: "\t").first)
        try server.admin(["token", "revoke", String(laptop)])
        let refused = try a.run(["sync"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("401") || refused.stderr.contains("unauthorized"))
        // READER_TOKEN overrides the stored token.
        #expect(try a.run(["sync"], environment: ["READER_TOKEN": setup.tokenB]).status == 0)
        #expect(!server.logText.contains(setup.tokenA) && !server.logText.contains(setup.tokenB), "a token was logged")
    }

    @Test func anUnreachableServerLeavesEverythingAsItWas() throws {
        let setup = try Self.setUp()
        let (server, a) = (setup.server, setup.a)
        defer { a.remove(); setup.b.remove() }
        try a.ok(["import", seedListing])
        let before = try Self.dump(a)
        #expect(server.stop(signal: SIGTERM) == 0, "reader-server did not stop cleanly on SIGTERM")
        #expect(server.logText.contains("stopped"))
        let failed = try a.run(["sync"])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("could not reach the sync server"))
        #expect(try Self.dump(a) == before)
        try server.start()
        try a.ok(["remote", "set", server.url("lab"), "--token", setup.tokenA])
        try a.ok(["sync"])
        #expect(try a.ok(["sync", "status"]).contains("pending         0 field changes in 0 records"))
    }
}
