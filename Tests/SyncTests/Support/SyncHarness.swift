import Foundation
@_exported import TestSupport
import Testing
import Model
import Storage
import Sync
import SyncServer
import SyncWire
import NIOCore

/// The clock the sync tests set by hand.
typealias TestClock = ManualClock

/// The server stores every conformance test runs against: each must give the
/// protocol's behaviour exactly.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    /// A database of its own on the test process's PostgreSQL server (``ThrowawayPostgres``).
    case postgres

    /// The stores the conformance tests run against here: PostgreSQL where it can be
    /// started, and always in CI (where its absence fails).
    static var allCases: [StoreKind] {
        ThrowawayPostgres.isAvailable || ThrowawayPostgres.isRequired ? [.sqlite, .postgres] : [.sqlite]
    }

    var testDescription: String { rawValue }

    /// A new, empty store of this kind whose files (if any) live at `path`; for
    /// PostgreSQL, a new database whose URL `path` keeps beside it (`reopen`).
    func open(path: String) throws -> any SyncStore {
        switch self {
        case .sqlite: try SQLiteSyncStore(path: path)
        case .postgres: try PostgresSyncStore(location: PostgresLocation(url: Self.database(for: path)))
        }
    }

    /// The database a test server at `path` uses: made on first use, the same after.
    static func database(for path: String) throws -> String {
        let file = path + ".postgres-url"
        if let url = try? String(contentsOfFile: file, encoding: .utf8) { return url }
        let url = try ThrowawayPostgres.makeDatabase()
        try url.write(toFile: file, atomically: true, encoding: .utf8)
        return url
    }
}

/// The real server logic on a real store in a temporary folder, without HTTP.
final class TestServer: @unchecked Sendable {
    let folder = TemporaryFolder()
    let path: String
    let clock: TestClock
    let kind: StoreKind
    private(set) var store: any SyncStore
    private(set) var service: SyncService

    init(clock: TestClock = TestClock(), store kind: StoreKind = .sqlite) throws {
        self.clock = clock
        self.kind = kind
        path = folder.path + "/server.sqlite"
        store = try kind.open(path: path)
        blobs = try DirectoryBlobStore(folder: URL(fileURLWithPath: path + ".blobs"))
        service = SyncService(store: store, blobs: blobs, now: { clock.millis })
    }

    /// The server's files.
    private(set) var blobs: DirectoryBlobStore

    /// Opens the database again (after its file was replaced, say).
    func reopen() throws {
        store = try kind.open(path: path)
        let clock = self.clock
        blobs = try DirectoryBlobStore(folder: URL(fileURLWithPath: path + ".blobs"))
        service = SyncService(store: store, blobs: blobs, now: { clock.millis })
    }

    /// Creates a library and returns a new device token for it.
    func makeLibrary(_ name: String) async throws -> String {
        _ = try await store.createLibrary(named: name, at: clock.millis)
        return try await token(for: name)
    }

    func token(for library: String, device: String = "test") async throws -> String {
        let token = DeviceTokens.make()
        _ = try await store.createToken(library: library, device: device, hash: SyncService.hash(token), at: clock.millis)
        return token
    }

    func library(_ name: String) async throws -> ServerLibrary {
        guard let found = try await store.libraries().first(where: { $0.name == name }) else { throw StoreError("no library \(name)") }
        return found
    }

    func dump(_ name: String) async throws -> String {
        try await service.dump(library: try await library(name))
    }

    func head(_ name: String) async throws -> Int64 {
        try await store.session(library: try await library(name), node: nil).headSeq
    }
}

/// The engine's transport straight into ``SyncService``, with the server's
/// errors mapped as HTTP would map them, and optional faults.
final class InProcessTransport: SyncTransport, @unchecked Sendable {
    let server: TestServer
    let library: String
    let token: String
    let lock = NSLock()
    /// When set, the next push is applied by the server but its answer is lost.
    var dropNextPushResponse = false
    /// When set, the next upload is stored by the server but its answer is lost.
    var dropNextUploadResponse = false
    /// When set, every request fails as if the network were down.
    var offline = false
    /// When set, pulls fail once this many pages were answered.
    var pagesBeforeCut: Int?
    private var pagesAnswered = 0
    private(set) var pushes = 0
    /// The most changes a page may hold (the server's maximum unless a test lowers it).
    var pageLimit = 5000
    /// When set, a push holding a change this refuses is answered 422, naming the
    /// change as a server with a rule this client does not know would.
    var refusing: (@Sendable (PushedChange) -> Bool)?

    init(server: TestServer, library: String, token: String) {
        self.server = server; self.library = library; self.token = token
    }

    func authenticated() async throws -> ServerLibrary {
        if offline { throw SyncError.unreachable(url: "in-process", reason: "offline") }
        return try await mapped { try await self.server.service.authenticate(authorization: "Bearer \(self.token)", library: self.library) }
    }

    func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as WireErrorBody {
            throw SyncError.server(status: error.code?.status ?? 500, error: error)
        }
    }

    func session(node: NodeID) async throws -> Session {
        let library = try await authenticated()
        return try await mapped { try await server.service.session(library: library, node: node.description) }
    }

    func changes(after cursor: Int64, limit: Int, notPushedBy node: NodeID?) async throws -> ChangesPage {
        let library = try await authenticated()
        let cut = lock.withLock { () -> Bool in
            defer { pagesAnswered += 1 }
            return pagesBeforeCut.map { pagesAnswered >= $0 } ?? false
        }
        if cut { throw SyncError.unreachable(url: "in-process", reason: "the connection was cut") }
        // Through the wire format, as over HTTP.
        let page = try await mapped { try await server.service.changes(library: library, cursor: String(cursor), limit: String(min(limit, pageLimit)),
                                                                      node: node?.description) }
        return try ChangesPage(bytes: page.jsonBytes)
    }

    func push(body: String, idempotencyKey: String) async throws -> PushReceipt {
        let library = try await authenticated()
        if let refusing, let request = try? PushRequest(bytes: Array(body.utf8)), let index = request.changes.firstIndex(where: refusing) {
            throw SyncError.server(status: 422, error: WireErrorBody(.invalidBody, "changes[\(index)].value: this server refuses it"))
        }
        let answer = try await mapped { try await server.service.push(library: library, idempotencyKey: idempotencyKey, body: Array(body.utf8)) }
        let drop = lock.withLock { () -> Bool in
            pushes += 1
            defer { dropNextPushResponse = false }
            return dropNextPushResponse
        }
        if drop { throw SyncError.unreachable(url: "in-process", reason: "the answer was lost") }
        return try PushReceipt(bytes: Array(answer.body.utf8))
    }
}

/// One client library syncing with a ``TestServer``.
final class Replica: @unchecked Sendable {
    let folder = TemporaryFolder()
    let path: String
    let clock: TestClock
    let library: Library
    let transport: InProcessTransport
    let name: String

    init(_ name: String, server: TestServer, library libraryName: String = "lab", token: String, clock: TestClock? = nil, path: String? = nil) throws {
        self.name = name
        let clock = clock ?? server.clock
        self.clock = clock
        self.path = path ?? folder.path + "/\(name).sqlite"
        library = try Library(path: self.path, wallClock: { UInt64(clock.millis) })
        transport = InProcessTransport(server: server, library: libraryName, token: token)
    }

    var engine: SyncEngine { SyncEngine(library: library, transport: transport, device: name) }

    /// Moves this library's files (``FileSync``) over the in-process transport.
    /// One file at a time: the simulation replays its seeds in the same order.
    var files: FileSync { FileSync(library: library, transport: transport, jobs: 1) }

    @discardableResult
    func sync() async throws -> SyncReport { try await engine.sync() }

    /// The canonical dump, as `reader export --format json --canonical` prints it.
    func dump() throws -> String { try Self.dump(library) }

    /// A library's canonical dump, as `reader export --format json --canonical` prints it.
    static func dump(_ library: Library) throws -> String {
        var text = CanonicalDump.header
        var lines = CanonicalDump.Lines()
        try library.forEachCanonicalRecord { text += lines.record(entity: $0, id: $1, fields: $2) }
        return text + lines.closing()
    }
}

extension InProcessTransport: BlobTransport {
    func missingBlobs(_ hashes: [FileHash]) async throws -> [FileHash] {
        let library = try await authenticated()
        return try await mapped { try await server.service.missingBlobs(library: library, body: BlobsMissingRequest(hashes: hashes).jsonBytes) }.missing
    }

    func uploadBlob(_ hash: FileHash, from file: URL, size: Int64, progress: (@Sendable (Int64) -> Void)?) async throws -> Bool {
        let library = try await authenticated()
        let bytes = try Data(contentsOf: file)
        let body = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(bytes: bytes))
            continuation.finish()
        }
        let stored = try await mapped { try await server.service.putBlob(library: library, hash: hash.hex, contentLength: Int64(bytes.count), body: body) }
        if lock.withLock({ () -> Bool in defer { dropNextUploadResponse = false }; return dropNextUploadResponse }) {
            throw SyncError.unreachable(url: "in-process", reason: "the answer was lost")
        }
        return stored
    }

    func downloadBlob(_ hash: FileHash, into store: FileStore, maxSize: Int64, progress: (@Sendable (Int64) -> Void)?) async throws -> FileStore.StoredFile {
        let library = try await authenticated()
        let blob = try await mapped { try await server.service.blob(library: library, hash: hash.hex) }
        let file = URL(fileURLWithPath: blob.path)
        // Checked before it enters the store, as over HTTP.
        let contents = try store.contents(of: file)
        guard contents.hash == hash else {
            throw SyncError.badResponse(url: "in-process", reason: "the file's SHA-256 is \(contents.hash.short)…, not \(hash.short)…")
        }
        return try store.store(copying: file, maxSize: maxSize)
    }
}
