import Foundation
import Model
import Testing

/// Papers' files across machines: two real `reader` libraries and a real
/// `reader-server` on 127.0.0.1.
@Suite("Papers' files across machines", .serialized)
struct FileSyncTests {
    struct Setup {
        let server: ServerProcess
        let a: ReaderProcess, b: ReaderProcess
        func remove() { a.remove(); b.remove() }
    }

    /// A server with library `lab`, and two libraries syncing with it, each with
    /// its own token; `options` go to `serve`.
    static func setUp(options: [String] = [], through url: ((ServerProcess) throws -> String)? = nil) throws -> Setup {
        let server = try ServerProcess()
        try server.admin(["library", "create", "lab"])
        let tokenA = try server.admin(["token", "create", "--library", "lab", "--device", "laptop"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let tokenB = try server.admin(["token", "create", "--library", "lab", "--device", "desktop"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try server.start(options: options)
        let remote = try url?(server) ?? server.url("lab")
        let a = try ReaderProcess(), b = try ReaderProcess()
        try a.ok(["remote", "set", remote, "--token", tokenA])
        try b.ok(["remote", "set", remote, "--token", tokenB])
        return Setup(server: server, a: a, b: b)
    }

    /// Adds a paper by BibTeX and returns its id.
    @discardableResult
    static func addPaper(_ title: String, to reader: ReaderProcess) throws -> String {
        let file = reader.folder.appendingPathComponent("\(UUID().uuidString).bib")
        try "@article{k\(abs(title.hashValue)), title={\(title)}, author={Doe, Jane}, year={2021}}\n".write(to: file, atomically: true, encoding: .utf8)
        try reader.ok(["import", file.path])
        let shown = try #require(try reader.json(["show", title]) as? [String: Any])
        return try #require(shown["id"] as? String)
    }

    static func fixture(_ name: String) -> String { repositoryRoot.appendingPathComponent("Tests/Fixtures/files/\(name)").path }

    static func sha256(ofFileAt path: String) throws -> String {
        FileHash(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))).hex
    }

    /// The whole blobs stored on the server's disk (not unfinished uploads).
    static func blobs(_ server: ServerProcess) -> [String] { BlobServerTests.filesOnDisk(server).blobs }

    @Test func aFileAttachedOnOneMachineOpensOnAnotherAfterOneSync() throws {
        let setup = try Self.setUp()
        defer { setup.remove() }
        let (server, a, b) = (setup.server, setup.a, setup.b)
        try Self.addPaper("Queued Paper", to: a)
        try Self.addPaper("Inbox Paper", to: a)
        try a.ok(["queue", "Queued Paper"])
        try a.ok(["attach", "Queued Paper", Self.fixture("one-page.pdf")])
        try a.ok(["attach", "Inbox Paper", Self.fixture("two-column.pdf")])

        // Before the first sync, both files wait to go up; the dry run lists them and sends nothing.
        let status = try a.ok(["sync", "status"])
        #expect(status.contains("files to send   2 files"), "\(status)")
        #expect(status.contains("Queued Paper (one-page.pdf)") && status.contains("Inbox Paper (two-column.pdf)"), "\(status)")
        let dry = try a.ok(["sync", "--dry-run"])
        #expect(dry.contains("would send 2 files") && dry.contains("  up ") && dry.contains("nothing was written"), "\(dry)")
        #expect(Self.blobs(server).isEmpty)

        let first = try a.ok(["sync"])
        #expect(first.contains("files: sent 2 files"), "\(first)")
        #expect(Self.blobs(server).count == 2)
        #expect(try a.ok(["sync", "status"]).contains("files to send   0 files"))
        // Nothing new: no file is asked about or sent again.
        func requests(_ text: String) -> Int { server.logText.components(separatedBy: text).count }
        let (puts, asked) = (requests("PUT"), requests("blobs/missing"))
        let again = try a.ok(["sync"])
        #expect(!again.contains("files:"), "\(again)")
        #expect(requests("PUT") == puts && requests("blobs/missing") == asked, "a sync with nothing new asked about files")

        // B receives the file of the queued paper (its policy keeps the queue), not the other.
        let received = try b.ok(["sync"])
        #expect(received.contains("files: received 1 file"), "\(received)")
        let queued = try b.ok(["open", "--path", "Queued Paper"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try Self.sha256(ofFileAt: queued) == Self.sha256(ofFileAt: Self.fixture("one-page.pdf")))
        #expect(try b.ok(["sync", "status"]).contains("files to get    0 files"))
        // The inbox paper's file comes from the server when it is opened.
        let opened = try b.run(["open", "--path", "Inbox Paper"])
        #expect(opened.status == 0, "\(opened.stderr)")
        let inbox = opened.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try Self.sha256(ofFileAt: inbox) == Self.sha256(ofFileAt: Self.fixture("two-column.pdf")))
        // And it is searchable there: its text was read when it arrived.
        #expect(try b.ok(["search", "Inbox"]).contains("Inbox Paper"))
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func withoutTheFileOrTheServerOpeningSaysWhyAndRecordsOnlySyncsNoFiles() throws {
        let setup = try Self.setUp()
        defer { setup.remove() }
        let (server, a, b) = (setup.server, setup.a, setup.b)
        try Self.addPaper("Offline Paper", to: a)
        try a.ok(["start", "Offline Paper"])
        try a.ok(["attach", "Offline Paper", Self.fixture("one-page.pdf")])
        // Records only: the server holds no file, and the file still waits to go up.
        let recordsOnly = try a.ok(["sync", "--no-files"])
        #expect(!recordsOnly.contains("files:"), "\(recordsOnly)")
        #expect(Self.blobs(server).isEmpty)
        #expect(try a.ok(["sync", "status"]).contains("files to send   1 file"))
        try b.ok(["sync", "--no-files"])
        #expect(try b.ok(["sync", "status"]).contains("files to get    1 file"))

        // B is offline: the file is neither here, nor on the server, nor anywhere else.
        server.stop(signal: SIGTERM)
        let opened = try b.run(["open", "--path", "Offline Paper"])
        #expect(opened.status == 1)
        #expect(opened.stderr.contains("the file of Offline Paper is not on this machine"), "\(opened.stderr)")
        #expect(opened.stderr.contains("could not reach the sync server"), "\(opened.stderr)")
        #expect(!opened.stderr.contains("Fatal") && opened.stdout.isEmpty)
    }

    @Test func aFileDamagedOnTheServerIsCaughtAndNeverEntersTheStore() throws {
        let setup = try Self.setUp()
        defer { setup.remove() }
        let (server, a, b) = (setup.server, setup.a, setup.b)
        try Self.addPaper("Damaged Paper", to: a)
        try a.ok(["queue", "Damaged Paper"])
        try a.ok(["attach", "Damaged Paper", Self.fixture("one-page.pdf")])
        try a.ok(["sync"])
        // One byte of the stored blob flips on the server's disk.
        let blob = try #require(Self.blobs(server).first)
        let path = server.database + ".blobs/" + blob
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))

        let synced = try b.run(["sync"])
        #expect(synced.status == 1)
        #expect(synced.stdout.contains("file not received: Damaged Paper (one-page.pdf)"), "\(synced.stdout)")
        #expect(synced.stdout.contains("SHA-256"), "\(synced.stdout)")
        let store = b.library + ".files/sha256"
        #expect(((try? FileManager.default.subpathsOfDirectory(atPath: store)) ?? []).filter { $0.count > 64 }.isEmpty)
        #expect(try b.ok(["sync", "status"]).contains("files to get    1 file"))
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func aFullQuotaLetsTheRecordsFinishAndLeavesTheFilesQueued() throws {
        // one-page.pdf (36 KiB) fits in 64 KiB; two-column.pdf (83 KiB) does not.
        let setup = try Self.setUp(options: ["--quota", "64KiB"])
        defer { setup.remove() }
        let (server, a, b) = (setup.server, setup.a, setup.b)
        try Self.addPaper("Small", to: a)
        try Self.addPaper("Large", to: a)
        try a.ok(["attach", "Small", Self.fixture("one-page.pdf")])
        try a.ok(["attach", "Large", Self.fixture("two-column.pdf")])
        let synced = try a.run(["sync"])
        #expect(synced.status == 1)
        #expect(synced.stdout.contains("sent ") && synced.stdout.contains("synced to cursor"), "\(synced.stdout)")
        #expect(synced.stdout.contains("files: sent 1 file"), "\(synced.stdout)")
        #expect(synced.stdout.contains("quota on the server is full") && synced.stdout.contains("1 file (83 KiB) wait to be sent"), "\(synced.stdout)")
        #expect(Self.blobs(server).count == 1)
        // The records are all there.
        try b.ok(["sync"])
        #expect(try b.ok(["list"]).contains("Large"))
        #expect(try a.ok(["sync", "status"]).contains("files to send   1 file (83 KiB)"))
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func filesMovingThreeAtOnceStopAtAFullQuotaAndAllArriveWhenThereIsRoom() throws {
        // Six files of 30,000 bytes against 100 KiB: three fit, three wait.
        let setup = try Self.setUp(options: ["--quota", "100KiB"])
        defer { setup.remove() }
        let (server, a, b) = (setup.server, setup.a, setup.b)
        var hashes: [String: String] = [:]
        for index in 0..<6 {
            try Self.addPaper("Paper \(index)", to: a)
            let file = a.folder.appendingPathComponent("file-\(index).bin")
            let bytes = (0..<30_000).map { UInt8(truncatingIfNeeded: $0 * (index + 7) + index) }
            try Data(bytes).write(to: file)
            hashes["Paper \(index)"] = FileHash(of: bytes).hex
            try a.ok(["attach", "Paper \(index)", file.path])
        }
        let full = try a.run(["sync"])
        #expect(full.status == 1)
        #expect(full.stdout.contains("files: sent 3 files") && full.stdout.contains("3 files (87.9 KiB) wait to be sent"), "\(full.stdout)")
        #expect(Self.blobs(server).count == 3)

        // Room on the server: the three left go, and the other machine gets all six.
        #expect(server.stop(signal: SIGTERM) == 0)
        try server.start(port: server.port, options: ["--quota", "1MiB"])
        let room = try a.run(["sync"])
        #expect(room.status == 0 && room.stdout.contains("files: sent 3 files"), "\(room.stdout)")
        #expect(Set(Self.blobs(server).compactMap { $0.split(separator: "/").last.map(String.init) }) == Set(hashes.values))
        try b.ok(["offline", "policy", "all"])
        let received = try b.run(["sync"])
        #expect(received.status == 0 && received.stdout.contains("received 6 files"), "\(received.stdout)")
        for (title, hash) in hashes {
            let path = try b.ok(["open", "--path", title]).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try Self.sha256(ofFileAt: path) == hash, "\(title)")
        }
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func twoMachinesAttachingTheSameBytesShareOneBlobAndDifferentFilesBothStay() throws {
        let setup = try Self.setUp()
        defer { setup.remove() }
        let (server, a, b) = (setup.server, setup.a, setup.b)
        let id = try Self.addPaper("Shared Paper", to: a)
        try a.ok(["sync"])
        try b.ok(["sync"])
        // Offline, both attach the same bytes; B also attaches a second file.
        try a.ok(["attach", id, Self.fixture("one-page.pdf")])
        try b.ok(["attach", id, Self.fixture("one-page.pdf")])
        try b.ok(["attach", id, Self.fixture("two-column.pdf")])
        #expect(try a.ok(["sync"]).contains("files: sent 1 file"))
        let second = try b.ok(["sync"])
        #expect(second.contains("files: sent 1 file (83 KiB) (1 the server had already)"), "\(second)")
        try a.ok(["sync"])
        #expect(Self.blobs(server).count == 2)
        for reader in [a, b] {
            let shown = try #require(try reader.json(["show", id]) as? [String: Any])
            let files = try #require(shown["attachments"] as? [[String: Any]], "\(shown)")
            #expect(files.count == 2, "\(files)")
        }
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    @Test func aFileRemovedOnOneMachineWhileOpenOnAnotherFollowsTheRecordsAndItsBytesStayUntilCollected() throws {
        let setup = try Self.setUp()
        defer { setup.remove() }
        let (server, a, b) = (setup.server, setup.a, setup.b)
        let id = try Self.addPaper("Removed Paper", to: a)
        try a.ok(["queue", id])
        try a.ok(["attach", id, Self.fixture("one-page.pdf")])
        try a.ok(["sync"])
        try b.ok(["sync"])
        let open = try b.ok(["open", "--path", id]).trimmingCharacters(in: .whitespacesAndNewlines)

        // A removes the file while B has it open.
        #expect(try a.ok(["detach", id]).contains("Removed one-page.pdf from Removed Paper"))
        try a.ok(["sync"])
        try b.ok(["sync"])
        let shown = try #require(try b.json(["show", id]) as? [String: Any])
        #expect((shown["attachments"] as? [Any])?.isEmpty ?? true, "\(shown)")
        #expect(FileManager.default.fileExists(atPath: open), "the bytes went with the record")
        // The server keeps the bytes a trashed record still names.
        try server.admin(["gc", "--grace", "0s"])
        #expect(Self.blobs(server).count == 1)

        // B attaches the same file again, later: last writer wins, on both machines.
        try b.ok(["attach", id, Self.fixture("one-page.pdf")])
        try b.ok(["sync"])
        try a.ok(["sync"])
        let back = try #require(try a.json(["show", id]) as? [String: Any])
        #expect((back["attachments"] as? [Any])?.count == 1, "\(back)")

        // A purge removes the records everywhere; the server collects the bytes later.
        try a.ok(["purge", "--yes", id])
        try a.ok(["sync"])
        try b.ok(["sync"])
        #expect(Self.blobs(server).count == 1)
        try server.admin(["gc", "--grace", "0s"])
        #expect(Self.blobs(server).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: open), "B's purge removed the file no paper names")
        #expect(server.stop(signal: SIGTERM) == 0)
    }

    /// `Tests/Chaos/stall_proxy.py` in front of a server: it passes `bytes` of the
    /// first upload or download (`mode`) and holds the rest.
    final class StallProxy {
        let process = Process()
        let output = Pipe()
        let port: Int

        init(upstream: Int, mode: String, bytes: Int) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", repositoryRoot.appendingPathComponent("Tests/Chaos/stall_proxy.py").path, String(upstream), mode, String(bytes)]
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            port = Int(String(decoding: line, as: UTF8.self).split(separator: "\n").first ?? "") ?? 0
        }

        func url(_ library: String) -> String { "http://127.0.0.1:\(port)/v1/libraries/\(library)" }

        /// Stops it; returns what it printed after its port.
        func stop() -> String {
            // SIGKILL: the test runner's threads block SIGTERM, and children inherit the mask.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
    }

    /// Waits until `condition` holds (checked every 20 ms, at most a minute).
    static func wait(until condition: () -> Bool) async throws -> Bool {
        for _ in 0..<3000 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    static func sizes(in folder: String) -> [Int] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap {
            try? FileManager.default.attributesOfItem(atPath: folder + "/" + $0)[.size] as? Int
        }
    }

    @Test(.tags(.slow), .enabled(if: SlowTests.enabled, SlowTests.skipped))
    func aServerKilledDuringAFiftyMegabyteUploadAndDownloadLeavesNothingHalfStoredAndTheFileArrivesWhole() async throws {
        let server = try ServerProcess()
        try server.admin(["library", "create", "lab"])
        let tokenA = try server.admin(["token", "create", "--library", "lab", "--device", "a"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let tokenB = try server.admin(["token", "create", "--library", "lab", "--device", "b"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try server.start()
        let port = server.port
        let up = try StallProxy(upstream: port, mode: "up", bytes: 20_000_000)
        let down = try StallProxy(upstream: port, mode: "down", bytes: 20_000_000)
        let a = try ReaderProcess(), b = try ReaderProcess()
        defer { a.remove(); b.remove(); _ = up.stop(); _ = down.stop() }
        #expect(up.port > 0 && down.port > 0)
        try a.ok(["remote", "set", up.url("lab"), "--token", tokenA])
        try b.ok(["remote", "set", down.url("lab"), "--token", tokenB])
        try Self.addPaper("Large Paper", to: a)
        try a.ok(["start", "Large Paper"])
        let file = a.folder.appendingPathComponent("data.bin")
        let bytes = BlobServerTests.randomData(50_000_000)
        try bytes.write(to: file)
        try a.ok(["attach", "Large Paper", file.path])
        let hash = BlobServerTests.hex(bytes)

        // The upload: killed with 20 MB on the server.
        let uploading = try a.start(["sync"])
        let temporaries = server.database + ".blobs/tmp"
        #expect(try await Self.wait { Self.sizes(in: temporaries).contains { $0 >= 19_000_000 } }, "the upload's first 19 MB never arrived")
        server.stop(signal: SIGKILL)
        uploading.waitUntilExit()
        #expect(uploading.terminationStatus == 1)
        #expect(Self.blobs(server).isEmpty, "a killed upload was stored")

        try server.start(port: port)
        let sent = try a.ok(["sync"])
        #expect(sent.contains("files: sent 1 file (47.7 MiB)"), "\(sent)")
        let stored = try #require(Self.blobs(server).first)
        #expect(stored.hasSuffix(hash))
        #expect(try Self.sha256(ofFileAt: server.database + ".blobs/" + stored) == hash)

        // The download: killed with 20 MB on B, then resumed from there.
        let downloading = try b.start(["sync"])
        let partial = b.library + ".files/partial"
        #expect(try await Self.wait { Self.sizes(in: partial).contains { $0 >= 1_000_000 } }, "the download's first bytes never arrived")
        try await Task.sleep(for: .milliseconds(300))
        server.stop(signal: SIGKILL)
        downloading.waitUntilExit()
        #expect(downloading.terminationStatus == 1)
        let kept = Self.sizes(in: partial)
        #expect(kept.count == 1 && (kept.first ?? 0) > 0 && (kept.first ?? 0) < 50_000_000, "\(kept)")
        #expect(((try? FileManager.default.subpathsOfDirectory(atPath: b.library + ".files/sha256")) ?? []).filter { $0.count > 64 }.isEmpty,
                "a half download entered the store")

        try server.start(port: port)
        let received = try b.ok(["sync"])
        #expect(received.contains("files: received 1 file (47.7 MiB)"), "\(received)")
        let opened = try b.ok(["open", "--path", "Large Paper"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try Self.sha256(ofFileAt: opened) == hash)
        #expect(Self.sizes(in: partial).isEmpty)
        let seen = down.stop()
        #expect(seen.contains("holding the download") && seen.lowercased().contains("range: bytes=\(kept.first ?? 0)-"), "\(seen)")
        #expect(server.stop(signal: SIGTERM) == 0)
    }
}
