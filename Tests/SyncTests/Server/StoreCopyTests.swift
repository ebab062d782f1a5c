import Foundation
import GRDB
import Model
import Storage
import SyncServer
import SyncWire
import Testing

/// `reader-server migrate`: a whole server database copied into another store
/// (SQLite to PostgreSQL and back), verified, in one transaction, idempotent.
@Suite("Store copy (reader-server migrate)")
struct StoreCopyTests {
    /// A copy from one store kind to another.
    struct Direction: Sendable, CustomTestStringConvertible {
        let from: StoreKind, to: StoreKind
        var testDescription: String { "\(from.rawValue) to \(to.rawValue)" }

        /// Every direction the stores available here allow (PostgreSQL's in CI).
        static var all: [Direction] {
            StoreKind.allCases.flatMap { from in StoreKind.allCases.map { Direction(from: from, to: $0) } }
        }
    }

    static func rowStore(_ server: TestServer) throws -> any RowCopyingStore {
        try #require(server.store as? any RowCopyingStore)
    }

    /// A server whose two libraries hold what real clients leave: papers, tags,
    /// notes edited on two machines (revisions, a conflict copy), a purge, receipts,
    /// device cursors and a revoked token.
    static func populatedServer(_ kind: StoreKind) async throws -> (TestServer, Replica, Replica, tokens: [String]) {
        let server = try TestServer(store: kind)
        _ = try await server.makeLibrary("lab")
        _ = try await server.makeLibrary("group")
        let tokenA = try await server.token(for: "lab", device: "a"), tokenB = try await server.token(for: "lab", device: "b")
        let a = try Replica("a", server: server, token: tokenA), b = try Replica("b", server: server, token: tokenB)
        let attention = try a.library.add(PaperDraft(title: "Attention Is All You Need", authors: ["Ashish Vaswani"])).paperID
        let mamba = try a.library.add(PaperDraft(title: "Mamba", authors: ["Albert Gu"])).paperID
        let note = try a.library.addNote(to: attention, body: "one\ntwo\nthree")
        try await a.sync()
        try await b.sync()
        server.clock.advance(1_000)
        _ = try a.library.tag(attention, adding: [try TagName("transformers")])
        try a.library.editNote(note.id, body: "one\ntwo by a\nthree")
        try b.library.editNote(note.id, body: "one\ntwo by b\nthree")
        try a.library.trash([mamba])
        try await a.sync()
        try await b.sync()
        try await a.sync()
        try a.library.purge([mamba])
        try await a.sync()
        let group = try Replica("c", server: server, library: "group", token: try await server.token(for: "group", device: "c"))
        _ = try group.library.add(PaperDraft(title: "Élan: a paper with a non-ASCII title", authors: ["Zoë Ünal"]))
        try await group.sync()
        let revoked = try await server.store.createToken(library: "group", device: "old", hash: SyncService.hash("gone"), at: server.clock.millis)
        _ = try await server.store.revokeToken(id: revoked.id, at: server.clock.millis)
        return (server, a, b, [tokenA, tokenB])
    }

    @Test(arguments: Direction.all)
    func aCopyHoldsEveryRowAndClientsGoOnSyncingFromTheirCursors(direction: Direction) async throws {
        let (source, a, b, tokens) = try await Self.populatedServer(direction.from)
        let dumps = [try await source.dump("lab"), try await source.dump("group")]
        let epoch = try await source.store.epoch()
        let destination = try TestServer(store: direction.to)
        #expect(try await destination.store.epoch() != epoch)

        let report = try await StoreCopy.copy(from: Self.rowStore(source), to: Self.rowStore(destination))
        #expect(!report.alreadyCopied)
        let sourceTokens = try await source.store.tokens()
        #expect(report.rows[.library] == 2 && report.rows[.token] == sourceTokens.count)
        #expect((report.rows[.textRevision] ?? 0) >= 2 && (report.rows[.pushReceipt] ?? 0) > 0)
        let sourceRows = try await [ServerTable: TableDigest].of(Self.rowStore(source).readRows)
        #expect(try await [ServerTable: TableDigest].of(Self.rowStore(destination).readRows) == sourceRows)
        #expect([try await destination.dump("lab"), try await destination.dump("group")] == dumps)
        #expect(try await destination.store.tokens() == source.store.tokens())
        // Reopened, the destination keeps the source's epoch (SQLite: its .epoch file too).
        try destination.reopen()
        #expect(try await destination.store.epoch() == epoch)

        // The clients move to the new server with their tokens and cursors: no resync,
        // their next numbers follow on, and an edit reaches the other machine.
        let movedA = try Replica("a", server: destination, token: tokens[0], path: a.path)
        let movedB = try Replica("b", server: destination, token: tokens[1], path: b.path)
        let paper = try #require(try movedA.library.list(limit: 10).first?.paper.id)
        _ = try movedA.library.tag(paper, adding: [try TagName("moved")])
        let sent = try await movedA.sync()
        #expect(!sent.serverRestored && sent.rejected.isEmpty && sent.sent > 0)
        let received = try await movedB.sync()
        #expect(!received.serverRestored && received.received > 0 && received.received < 10)
        #expect(try movedB.dump() == movedA.dump())
        #expect(try await destination.dump("lab") == movedA.dump())

        // New libraries and tokens get ids after the copied ones.
        let third = try await destination.store.createLibrary(named: "third", at: destination.clock.millis)
        #expect(third.key > (try await destination.store.libraries().filter { $0.name != "third" }.map(\.key).max() ?? 0))
        let token = try await destination.store.createToken(library: "third", device: "d", hash: SyncService.hash("t"), at: 1)
        #expect(token.id == (sourceTokens.map(\.id).max() ?? 0) + 1)
        await source.store.close()
        await destination.store.close()
    }

    @Test(arguments: Direction.all)
    func copyingAgainChangesNothing(direction: Direction) async throws {
        let (source, _, _, _) = try await Self.populatedServer(direction.from)
        let destination = try TestServer(store: direction.to)
        _ = try await StoreCopy.copy(from: Self.rowStore(source), to: Self.rowStore(destination))
        let copied = try await [ServerTable: TableDigest].of(Self.rowStore(destination).readRows)
        let again = try await StoreCopy.copy(from: Self.rowStore(source), to: Self.rowStore(destination))
        #expect(again.alreadyCopied)
        #expect(again.rows == copied.mapValues(\.rows))
        #expect(try await [ServerTable: TableDigest].of(Self.rowStore(destination).readRows) == copied)
        await source.store.close()
        await destination.store.close()
    }

    @Test(arguments: Direction.all)
    func aDestinationHoldingOtherLibrariesIsRefusedAndLeftAsItWas(direction: Direction) async throws {
        let (source, _, _, _) = try await Self.populatedServer(direction.from)
        let destination = try TestServer(store: direction.to)
        _ = try await destination.makeLibrary("mine")
        let before = try await [ServerTable: TableDigest].of(Self.rowStore(destination).readRows)
        do {
            _ = try await StoreCopy.copy(from: Self.rowStore(source), to: Self.rowStore(destination))
            Issue.record("a copy into a database holding another library was not refused")
        } catch let error as StoreError {
            #expect(error.message.contains("already holds 1 library (mine)"), "\(error)")
            #expect(error.message.contains("new, empty database"), "\(error)")
        }
        #expect(try await [ServerTable: TableDigest].of(Self.rowStore(destination).readRows) == before)
        await source.store.close()
        await destination.store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func aSourceRowThatCannotBeReadLeavesTheDestinationEmpty(destination kind: StoreKind) async throws {
        let (source, _, _, _) = try await Self.populatedServer(.sqlite)
        // A damaged source: a number with a fraction where a seq is stored, found
        // after the libraries and tokens were already written.
        await source.store.close()
        let damaged = try DatabaseQueue(path: source.path)
        try await damaged.write { db in try db.execute(sql: "UPDATE field_state SET seq = 1.5 WHERE rowid = (SELECT max(rowid) FROM field_state)") }
        try damaged.close()
        try source.reopen()
        let destination = try TestServer(store: kind)
        let epoch = try await destination.store.epoch()
        do {
            _ = try await StoreCopy.copy(from: Self.rowStore(source), to: Self.rowStore(destination))
            Issue.record("a damaged source was copied")
        } catch let error as StoreError {
            #expect(error.message.contains("field_state.seq"), "\(error)")
        }
        #expect(try await destination.store.libraries().isEmpty)
        #expect(try await destination.store.tokens().isEmpty)
        try destination.reopen()
        #expect(try await destination.store.epoch() == epoch)
        await source.store.close()
        await destination.store.close()
    }

    @Test(arguments: StoreKind.allCases)
    func aSourceThatTakesAPushDuringTheCopyIsRefusedAndNothingIsWritten(destination kind: StoreKind) async throws {
        let (source, _, _, _) = try await Self.populatedServer(.sqlite)
        let store = try #require(source.store as? SQLiteSyncStore)
        let library = try await source.library("lab")
        let service = source.service
        let now = source.clock.millis
        // A server still running on the source: it takes a push once the copy has begun.
        let running = PushingDuringTheCopy(store) {
            let change = PushedChange(nseq: 1, entity: "paper", id: PushProtocolTests.paper, field: "title", value: .string("late"),
                                      hlc: PushProtocolTests.hlc(now, 0, node: 0xEE))
            _ = try await service.push(library: library, idempotencyKey: "late", body: PushProtocolTests.body(node: 0xEE, [change]))
        }
        let destination = try TestServer(store: kind)
        do {
            _ = try await StoreCopy.copy(from: running, to: Self.rowStore(destination))
            Issue.record("a source that took a push during the copy was copied")
        } catch let error as StoreError {
            #expect(error.message.contains("the source took pushes during the copy (library 'lab'"), "\(error)")
            #expect(error.message.contains("stop every server on it"), "\(error)")
        }
        #expect(try await destination.store.libraries().isEmpty)
        #expect(try await destination.store.tokens().isEmpty)
        await destination.store.close()
    }

    @Test(.enabled(if: ThrowawayPostgres.isAvailable, "needs PostgreSQL (READER_TEST_POSTGRES)"))
    func aRoundTripThroughPostgreSQLGivesByteIdenticalDumpsAndRows() async throws {
        let (source, _, _, _) = try await Self.populatedServer(.sqlite)
        let postgres = try TestServer(store: .postgres), back = try TestServer(store: .sqlite)
        _ = try await StoreCopy.copy(from: Self.rowStore(source), to: Self.rowStore(postgres))
        _ = try await StoreCopy.copy(from: Self.rowStore(postgres), to: Self.rowStore(back))
        for library in ["lab", "group"] {
            #expect(try await back.dump(library) == source.dump(library))
        }
        #expect(try await [ServerTable: TableDigest].of(Self.rowStore(back).readRows)
                == [ServerTable: TableDigest].of(Self.rowStore(source).readRows))
        for server in [source, postgres, back] { await server.store.close() }
    }
}

/// A SQLite source whose server takes a push (`push`) while its rows are being read.
final class PushingDuringTheCopy: RowCopyingStore {
    let inner: SQLiteSyncStore
    let push: @Sendable () async throws -> Void

    init(_ inner: SQLiteSyncStore, push: @escaping @Sendable () async throws -> Void) {
        self.inner = inner
        self.push = push
    }

    func readRows(_ body: (ServerTable, [[ServerValue]]) async throws -> Void) async throws {
        var pushed = false
        try await inner.readRows { table, rows in
            try await body(table, rows)
            if !pushed {
                pushed = true
                try await push()
            }
        }
    }

    func withRowWriter<T: Sendable>(_ body: @escaping @Sendable (any RowWriter) async throws -> T) async throws -> T {
        try await inner.withRowWriter(body)
    }

    func epoch() async throws -> String { try await inner.epoch() }
    func createLibrary(named name: String, at millis: Int64) async throws -> ServerLibrary { try await inner.createLibrary(named: name, at: millis) }
    func libraries() async throws -> [ServerLibrary] { try await inner.libraries() }
    func createToken(library: String, device: String, hash: [UInt8], at millis: Int64) async throws -> DeviceToken {
        try await inner.createToken(library: library, device: device, hash: hash, at: millis)
    }
    func tokens() async throws -> [DeviceToken] { try await inner.tokens() }
    func revokeToken(id: Int64, at millis: Int64) async throws -> DeviceToken? { try await inner.revokeToken(id: id, at: millis) }
    func library(forTokenHash hash: [UInt8]) async throws -> ServerLibrary? { try await inner.library(forTokenHash: hash) }
    func session(library: ServerLibrary, node: NodeID?) async throws -> (headSeq: Int64, lastNseq: Int64) {
        try await inner.session(library: library, node: node)
    }
    func changes(library: ServerLibrary, after cursor: Int64, limit: Int, notPushedBy node: NodeID?) async throws
        -> (changes: [PulledChange], cursor: Int64, hasMore: Bool) {
        try await inner.changes(library: library, after: cursor, limit: limit, notPushedBy: node)
    }
    func push<T: Sendable>(library: ServerLibrary, reading request: PushReadRequest,
                           _ body: @escaping @Sendable (PushReading, any PushTransaction) async throws -> T) async throws -> T {
        try await inner.push(library: library, reading: request, body)
    }
    func forEachRecord(library: ServerLibrary, _ body: @Sendable (String, String, [String: Stamped]) throws -> Void) async throws {
        try await inner.forEachRecord(library: library, body)
    }
    func textHistory(library: ServerLibrary, entity: String, id: String, field: String) async throws -> [TextRevision] {
        try await inner.textHistory(library: library, entity: entity, id: id, field: field)
    }
}
