import Foundation
import Testing
import TestSupport

/// `reader-server migrate` on the built binaries: a served SQLite database moves to
/// PostgreSQL and back, its dumps byte for byte the same, and the machines that
/// synced with it carry on from their cursors.
@Suite("reader-server migrate", .serialized)
struct MigrateTests {
    static func migrate(from source: String, to destination: String) throws -> String {
        let run = try ServerProcess.run(["migrate", "--from", source, "--to", destination])
        #expect(run.status == 0, "reader-server migrate --from \(source) --to \(destination): \(run.errors)")
        return run.output
    }

    @Test(.enabled(if: ThrowawayPostgres.isAvailable, "needs PostgreSQL (READER_TEST_POSTGRES)"))
    func aServerMovesToPostgreSQLAndBackWithIdenticalDumpsAndItsMachinesCarryOn() throws {
        let sqlite = try ServerProcess()
        try sqlite.admin(["library", "create", "lab"])
        let tokenA = try sqlite.admin(["token", "create", "--library", "lab", "--device", "laptop"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let tokenB = try sqlite.admin(["token", "create", "--library", "lab", "--device", "desktop"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try sqlite.start()
        let a = try ReaderProcess(), b = try ReaderProcess()
        defer { a.remove(); b.remove() }
        try a.ok(["remote", "set", sqlite.url("lab"), "--token", tokenA])
        try b.ok(["remote", "set", sqlite.url("lab"), "--token", tokenB])
        try a.ok(["import", seedListing])
        try a.ok(["sync"])
        try b.ok(["sync"])
        let papers = try #require(try b.json(["list", "--limit", "3"]) as? [[String: Any]]).compactMap { $0["id"] as? String }
        try #require(papers.count == 3)
        try b.ok(["tag", papers[0], "+from-desktop"])
        try b.ok(["note", "add", papers[1], "read the appendix first"])
        try b.ok(["sync"])
        try a.ok(["sync"])
        #expect(sqlite.stop() == 0)
        let before = try sqlite.admin(["dump", "--library", "lab"])

        // To PostgreSQL: everything, verified; a second run changes nothing.
        let url = try ThrowawayPostgres.makeDatabase()
        let copied = try Self.migrate(from: "sqlite:" + sqlite.database, to: url)
        #expect(copied.contains("copied 1 library, 2 tokens"), "\(copied)")
        #expect(copied.contains("every table verified"), "\(copied)")
        #expect(try Self.migrate(from: "sqlite:" + sqlite.database, to: url).contains("nothing to copy"))
        let postgres = try ServerProcess(database: url, files: sqlite.files)
        #expect(try postgres.admin(["dump", "--library", "lab"]) == before, "the dump differs after the move to PostgreSQL")

        // The machines point at the new server with the same tokens: no resync.
        try postgres.start()
        try a.ok(["remote", "set", postgres.url("lab"), "--token", tokenA])
        try b.ok(["remote", "set", postgres.url("lab"), "--token", tokenB])
        try a.ok(["tag", papers[2], "+after-the-move"])
        let sent = try a.ok(["sync"])
        #expect(!sent.contains("restored"), "\(sent)")
        let received = try b.ok(["sync"])
        // Only the new tag comes down, not the library again.
        let count = received.split(separator: "\n").first { $0.hasPrefix("received ") }.flatMap { Int($0.split(separator: " ")[1]) }
        #expect(!received.contains("restored") && (1...5).contains(count ?? 0), "\(received)")
        let after = try a.ok(["export", "--format", "json", "--canonical"])
        #expect(try b.ok(["export", "--format", "json", "--canonical"]) == after)
        #expect(try postgres.admin(["dump", "--library", "lab"]) == after)
        #expect(postgres.stop() == 0)

        // And back to a new SQLite file, byte for byte.
        let back = sqlite.folder.appendingPathComponent("back.sqlite").path
        #expect(try Self.migrate(from: url, to: "sqlite:" + back).contains("copied 1 library, 2 tokens"))
        let run = try ServerProcess.run(["dump", "--library", "lab", "--database", back])
        #expect(run.output == after, "the dump differs after the move back to SQLite: \(run.errors)")
    }

    @Test func aMissingSourceOrTheSameDatabaseTwiceIsRefusedWithTheReason() throws {
        let server = try ServerProcess()
        let missing = try ServerProcess.run(["migrate", "--from", "sqlite:" + server.database, "--to", server.folder.path + "/new.sqlite"])
        #expect(missing.status != 0)
        #expect(missing.errors.contains("there is no server database at \(server.database) (--from)"), "\(missing.errors)")
        #expect(!FileManager.default.fileExists(atPath: server.database), "a missing source was created")
        try server.admin(["library", "create", "lab"])
        let same = try ServerProcess.run(["migrate", "--from", server.database, "--to", "sqlite:" + server.database])
        #expect(same.status != 0 && same.errors.contains("--from and --to name the same database"), "\(same.errors)")
        let bad = try ServerProcess.run(["migrate", "--from", server.database, "--to", "postgres:/nowhere"])
        #expect(bad.status != 0 && bad.errors.contains("is not a PostgreSQL URL"), "\(bad.errors)")
    }

    /// The README's two lines for the move to PostgreSQL, as written, with the tests'
    /// paths and server put in for `/srv/reader.sqlite` and `db.lab`.
    @Test(.enabled(if: ThrowawayPostgres.isAvailable, "needs PostgreSQL (READER_TEST_POSTGRES)"))
    func theREADMEsMoveToPostgreSQLRunsAsWritten() throws {
        let lines = ReadmeTests.commandExamples().filter { $0.contains("postgres://reader@db.lab:5432/reader") }
        try #require(lines.count == 2 && lines[0].hasPrefix("reader-server migrate ") && lines[1].hasPrefix("reader-server serve "), "\(lines)")
        let sqlite = try ServerProcess()
        try sqlite.admin(["library", "create", "lab"])
        let token = try sqlite.admin(["token", "create", "--library", "lab", "--device", "laptop"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try sqlite.start()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["remote", "set", sqlite.url("lab"), "--token", token])
        try reader.ok(["import", seedListing])
        try reader.ok(["sync"])
        #expect(sqlite.stop() == 0)
        let url = try ThrowawayPostgres.makeDatabase()
        func written(_ line: String) -> String {
            line.replacingOccurrences(of: "/srv/reader.sqlite", with: sqlite.database)
                .replacingOccurrences(of: "postgres://reader@db.lab:5432/reader", with: url)
        }

        let migrate = try ReadmeTests.shell(written(lines[0]), in: sqlite.folder)
        #expect(migrate.status == 0 && migrate.stdout.contains("every table verified"), "\(migrate.stdout)\(migrate.stderr)")

        // `serve`, on a free port of this machine rather than 8787 on every address.
        let serve = written(lines[1]).replacingOccurrences(of: "--host 0.0.0.0 --port 8787", with: "--host 127.0.0.1 --port 0")
        let out = sqlite.folder.appendingPathComponent("serve.out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec " + serve.replacingOccurrences(of: "reader-server ", with: ServerProcess.binary.path + " ")]
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        var port: Int?
        for _ in 0..<400 where port == nil && process.isRunning {
            port = ((try? String(contentsOf: out, encoding: .utf8)) ?? "").split(separator: "\n")
                .first { $0.hasPrefix("listening on ") }.flatMap { $0.split(separator: ":").last.flatMap { Int($0) } }
            if port == nil { Thread.sleep(forTimeInterval: 0.025) }
        }
        let bound = try #require(port, "the README's serve line did not start")
        try reader.ok(["remote", "set", "http://127.0.0.1:\(bound)/v1/libraries/lab", "--token", token])
        let synced = try reader.ok(["sync"])
        #expect(synced.contains("received 0 field changes") && !synced.contains("restored"), "\(synced)")
    }
}
