import Foundation
import Model
import Storage
import Sync
import SyncServer
import SyncWire
import Testing

/// Interrupted syncs, bad clocks, and copied or restored databases on either side.
@Suite("Recovery")
struct RecoveryTests {
    static func setUp(_ names: [String]) async throws -> (TestServer, [Replica]) {
        try await ConvergenceTests.setUp(names)
    }

    /// Copies a SQLite database with its -wal and -shm files, as a backup tool would.
    static func copyDatabase(_ from: String, to: String) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: from + suffix) {
            try? FileManager.default.removeItem(atPath: to + suffix)
            try FileManager.default.copyItem(atPath: from + suffix, toPath: to + suffix)
        }
    }

    @Test func aClockTenMinutesFastIsRefusedThenCorrected() async throws {
        let server = try TestServer()
        _ = try await server.makeLibrary("lab")
        let fast = TestClock(server.clock.millis + 10 * 60_000)
        let a = try Replica("a", server: server, token: try await server.token(for: "lab"), clock: fast)
        let paper = try a.library.add(PaperDraft(title: "Written with a fast clock")).paperID
        try a.library.markRead(paper)
        let report = try await a.sync()
        #expect(report.restamped > 0)
        #expect(report.clockOffsetMillis < -9 * 60_000)
        // No clock from the future reached the server.
        let limit = UInt64(server.clock.millis + 5 * 60_000)
        let library = try await server.library("lab")
        let page = try await server.service.changes(library: library, cursor: "0", limit: "5000")
        #expect(!page.changes.isEmpty)
        #expect(page.changes.allSatisfy { $0.hlc.millis <= limit })
        #expect(try await server.dump("lab") == a.dump())
        // Later edits are stamped with the corrected clock.
        try a.library.setStatus(.reading, of: paper)
        let again = try await a.sync()
        #expect(again.restamped == 0 && again.applied > 0)
        let b = try Replica("b", server: server, token: try await server.token(for: "lab"))
        try await b.sync()
        #expect(try b.dump() == a.dump())
    }

    @Test func aChangeTheServerRefusesAsInvalidIsSetAsideAndTheRestSyncs() async throws {
        let server = try TestServer()
        _ = try await server.makeLibrary("lab")
        let a = try Replica("a", server: server, token: try await server.token(for: "lab"))
        a.transport.refusing = { $0.value == .string("Refused title") }
        try a.library.add(PaperDraft(title: "Refused title"))
        try a.library.add(PaperDraft(title: "Accepted title"))
        let report = try await a.sync()
        #expect(report.setAside == 1)
        let held = try a.library.syncState().held
        #expect(held.map(\.field) == ["title"])
        #expect(held.first.map { $0.reason.hasPrefix("refused by the server: changes[") && $0.reason.hasSuffix("].value: this server refuses it") } == true)
        let dump = try await server.dump("lab")
        #expect(dump.contains("Accepted title") && !dump.contains("Refused title"))
        #expect(try a.library.syncState().pendingFields == 0, "nothing else is stuck")
        // Editing the field releases it: the new value is sent.
        let paper = try a.library.resolve("refused").id
        try a.library.update(paper, ["title": .string("A title it takes")])
        #expect(try a.library.syncState().held.isEmpty)
        let again = try await a.sync()
        #expect(again.setAside == 0)
        #expect(try await server.dump("lab").contains("A title it takes"))
    }

    @Test func aLostPushAnswerIsSentAgainAndAppliedOnce() async throws {
        let (server, replicas) = try await Self.setUp(["a"])
        let a = replicas[0]
        _ = try a.library.add(PaperDraft(title: "Sent twice, stored once"))
        a.transport.dropNextPushResponse = true
        await #expect(throws: SyncError.self) { try await a.sync() }
        let inFlight = try #require(try a.library.syncState().batchInFlight)
        let head = try await server.head("lab")
        #expect(head == 1)
        let report = try await a.sync()
        #expect(try a.library.syncState().batchInFlight == nil)
        #expect(try await server.head("lab") == head, "the resent batch was applied again")
        #expect(report.sent == Int(inFlight.upperBound - inFlight.lowerBound + 1))
        #expect(try await server.dump("lab") == a.dump())
    }

    @Test func aSyncWithoutNetworkChangesNothing() async throws {
        let (_, replicas) = try await Self.setUp(["a"])
        let a = replicas[0]
        _ = try a.library.add(PaperDraft(title: "Offline"))
        let before = try a.dump()
        let pending = try a.library.syncState().pendingFields
        a.transport.offline = true
        await #expect(throws: SyncError.self) { try await a.sync() }
        #expect(try a.dump() == before)
        #expect(try a.library.syncState().pendingFields == pending)
        a.transport.offline = false
        try await a.sync()
        #expect(try a.library.syncState().pendingFields == 0)
    }

    @Test func aRestoredClientDatabaseBecomesANewNodeAndLosesNothing() async throws {
        let (server, replicas) = try await Self.setUp(["a", "b"])
        let (a, b) = (replicas[0], replicas[1])
        let paper = try a.library.add(PaperDraft(title: "Before the backup")).paperID
        try await a.sync()
        // A backup of a's files, then more work that reaches the server.
        let backup = a.folder.path + "/backup.sqlite"
        try Self.copyDatabase(a.path, to: backup)
        try FileManager.default.copyItem(atPath: a.path + ".instance", toPath: backup + ".instance")
        try a.library.setStatus(.reading, of: paper)
        _ = try a.library.add(PaperDraft(title: "After the backup"))
        try await a.sync()
        // The backup comes back in place of the database (its instance file too).
        let restored = try Replica("a-restored", server: server, token: a.transport.token, path: backup)
        let oldNode = try restored.library.nodeID
        let edit = try restored.library.add(PaperDraft(title: "Typed after the restore")).paperID
        let report = try await restored.sync()
        #expect(report.becameNewNode)
        #expect(try restored.library.nodeID != oldNode)
        try await b.sync()
        try await restored.sync()
        #expect(try restored.dump() == b.dump())
        #expect(try b.library.paper(edit) != nil, "the edit made after the restore was dropped")
        #expect(try b.library.paper(paper)?.status == .reading)
    }

    @Test func aCopiedDatabaseWithoutItsInstanceFileBecomesANewNode() async throws {
        let (server, replicas) = try await Self.setUp(["a"])
        let a = replicas[0]
        _ = try a.library.add(PaperDraft(title: "Original"))
        try await a.sync()
        let copyPath = a.folder.path + "/copy.sqlite"
        try Self.copyDatabase(a.path, to: copyPath)
        let copy = try Replica("copy", server: server, token: try await server.token(for: "lab"), path: copyPath)
        _ = try copy.library.add(PaperDraft(title: "Only in the copy"))
        _ = try a.library.add(PaperDraft(title: "Only in the original"))
        let report = try await copy.sync()
        #expect(report.becameNewNode)
        try await a.sync()
        try await copy.sync()
        #expect(try copy.dump() == a.dump())
        #expect(try a.library.list().count == 3)
    }

    @Test func aRestoredServerGetsEverythingBack() async throws {
        let (server, replicas) = try await Self.setUp(["a", "b"])
        let (a, b) = (replicas[0], replicas[1])
        _ = try a.library.add(PaperDraft(title: "Early"))
        try await a.sync()
        let backup = server.folder.path + "/server-backup.sqlite"
        try Self.copyDatabase(server.path, to: backup)
        _ = try a.library.add(PaperDraft(title: "Late"))
        try await a.sync()
        try await b.sync()
        // The server's database goes back to the backup: it forgets "Late" and a's last batch.
        try Self.copyDatabase(backup, to: server.path)
        try server.reopen()
        let report = try await a.sync()
        #expect(report.serverRestored)
        try await b.sync()
        try await a.sync()
        #expect(try await server.dump("lab") == a.dump())
        #expect(try b.dump() == a.dump())
        #expect(try await server.dump("lab").contains("Late"))
    }

    @Test func aNewServerEpochMakesClientsResyncInFull() async throws {
        let (server, replicas) = try await Self.setUp(["a"])
        let a = replicas[0]
        _ = try a.library.add(PaperDraft(title: "Kept across a reset"))
        try await a.sync()
        let before = try await server.store.epoch()
        // The epoch file beside the database is gone: the database was moved or restored.
        try FileManager.default.removeItem(atPath: server.path + ".epoch")
        try server.reopen()
        #expect(try await server.store.epoch() != before)
        let report = try await a.sync()
        #expect(report.serverRestored)
        #expect(try await server.dump("lab") == a.dump())
    }
}

/// A first sync leaves the search index to be rebuilt once at its end; cut short,
/// the next opening of the library rebuilds it.
@Suite("Search index after a first sync")
struct FirstSyncSearchIndexTests {
    static func filledServer() async throws -> (TestServer, Replica) {
        let (server, replicas) = try await ConvergenceTests.setUp(["source"])
        let source = replicas[0]
        for i in 0..<60 {
            let paper = try source.library.add(PaperDraft(title: "Krylov subspace recycling, part \(i)", authors: ["Ada Lovelace"])).paperID
            if i % 3 == 0 { _ = try source.library.addNote(to: paper, body: "note \(i) about preconditioners") }
            if i % 4 == 0 { _ = try source.library.tag(paper, adding: [try TagName("numerics")]) }
            // Pushed in several batches, so that the server has several seqs to page over.
            if i % 10 == 9 { try await source.sync() }
        }
        return (server, source)
    }

    @Test func aFirstSyncEndsWithAConsistentSearchIndex() async throws {
        let (server, source) = try await Self.filledServer()
        let client = try Replica("client", server: server, token: try await server.token(for: "lab"))
        client.transport.pageLimit = 50
        try await client.sync()
        #expect(try client.library.searchIndexIsConsistent())
        #expect(try client.library.search("preconditioners").count == 20)
        #expect(try client.dump() == source.dump())
    }

    @Test func anInterruptedFirstSyncIsIndexedWhenTheLibraryOpens() async throws {
        let (server, source) = try await Self.filledServer()
        let client = try Replica("client", server: server, token: try await server.token(for: "lab"))
        client.transport.pageLimit = 50
        client.transport.pagesBeforeCut = 2
        await #expect(throws: SyncError.self) { try await client.sync() }
        #expect(try client.library.syncState().cursor > 0, "the pages received before the cut were not kept")
        #expect(try !client.library.searchIndexIsConsistent(), "the first pages were indexed one by one, not deferred")
        let reopened = try Library(path: client.path)
        #expect(try reopened.searchIndexIsConsistent())
        #expect(try !reopened.search("krylov").isEmpty)
        client.transport.pagesBeforeCut = nil
        try await client.sync()
        #expect(try client.library.searchIndexIsConsistent())
        #expect(try client.dump() == source.dump())
    }

    /// A library that already holds papers (its first sync pushes them all, then
    /// pulls) keeps indexing as pages arrive: deferring would rebuild the index of
    /// every paper it holds at the end, seconds for a large library, for the few
    /// the pull brought.
    @Test func aFirstSyncOfALibraryThatHoldsPapersIndexesAsPagesArrive() async throws {
        let (server, _) = try await Self.filledServer()
        let client = try Replica("client", server: server, token: try await server.token(for: "lab"))
        _ = try client.library.add(PaperDraft(title: "Preconditioned conjugate gradients at scale", authors: ["Grace Hopper"]))
        client.transport.pageLimit = 50
        client.transport.pagesBeforeCut = 2
        await #expect(throws: SyncError.self) { try await client.sync() }
        #expect(try client.library.syncState().cursor > 0)
        #expect(try client.library.searchIndexIsConsistent(), "the pages were left to a rebuild of the whole index")
        #expect(try client.library.search("conjugate").count == 1)
        client.transport.pagesBeforeCut = nil
        try await client.sync()
        #expect(try client.library.searchIndexIsConsistent())
        #expect(try client.library.search("preconditioners").count == 20)
    }
}
