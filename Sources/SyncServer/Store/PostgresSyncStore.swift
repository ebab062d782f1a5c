import Foundation
import Logging
import Model
import NIOSSL
import PostgresNIO
import Synchronization
import SyncWire

/// The store for deployments that outgrow one server process: every library in one
/// PostgreSQL database, shared by any number of stateless `reader-server` instances.
///
/// Every protocol rule is decided in ``SyncService``, as on SQLite; this store keeps
/// the same rows with the same meaning. What PostgreSQL changes:
///
/// - **Gapless, in-order `seq`.** A push's first statement updates its library's row
///   (`UPDATE library SET seq = seq ... RETURNING seq`), which locks it until the push
///   commits: pushes to one library queue on that row, take consecutive numbers and
///   commit in their order, so that a pull's cursor never passes a `seq` that is not
///   visible yet. (A `SEQUENCE` would hand out numbers that commit out of order.)
/// - **Pulls read one snapshot** (`REPEATABLE READ`): the head and the rows agree.
/// - **Wake-ups across instances.** A push sends `NOTIFY reader_pushes` inside its
///   transaction; PostgreSQL delivers it at commit to every instance listening
///   (``listenForPushes(_:)``).
/// - **A push is a few round trips**, whatever its size: writes go as arrays
///   (`unnest`), not one statement per change.
/// - **Group commit.** Pushes to one library that reach this instance together share
///   one transaction (``WriteQueue``, ``PostgresPushGroup``): one hold of the counter
///   row, one read, one write statement and one commit for the group, where each push
///   alone would queue on the row for its whole transaction, commit's flush included.
///
/// The store owns its connection pool: it runs from ``init(location:logger:)`` until
/// ``shutdown()``; its schema is migrated (versioned, under an advisory lock so that
/// instances starting together do it once) before the first call is answered.
public final class PostgresSyncStore: SyncStore {
    /// Where the database is.
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    private let ready: Task<String, any Error>
    /// The most pushes one transaction holds (1: every push commits alone).
    let largestPushGroup: Int
    /// One write queue per library this instance has taken pushes for.
    private let pushQueues = Mutex<[Int64: WriteQueue<PostgresPushGroup, PushReadRequest>]>([:])

    /// The channel pushes are announced on: the payload is the library's key.
    static let pushChannel = "reader_pushes"

    /// Opens a connection pool to the database and migrates its schema (on first use).
    ///
    /// `largestPushGroup` bounds how many pushes to one library share a transaction
    /// (1 turns group commit off: benchmarks compare the two).
    public init(location: PostgresLocation, logger: Logger = Logger(label: "reader-server.postgres", factory: { _ in SwiftLogNoOpLogHandler() }),
                maximumConnections: Int = 20, largestPushGroup: Int = ServerDatabase.largestPushGroup) throws {
        self.location = location
        self.logger = logger
        self.largestPushGroup = largestPushGroup
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: location.requiresTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
        ready = Task { [location, logger] in
            do {
                // On a connection of its own: a wrong address, user or password is
                // reported at once, where the pool would retry for a minute.
                let connection = try await PostgresConnection.connect(
                    on: PostgresClient.defaultEventLoopGroup.any(), configuration: try Self.connectionConfiguration(location),
                    id: 0, logger: logger).get()
                do {
                    let epoch = try await PostgresMigrations.migrate(connection, logger: logger)
                    try? await connection.close()
                    return epoch
                } catch {
                    try? await connection.close()
                    throw error
                }
            } catch {
                throw Self.storeError(error, location: location, doing: "open the server database")
            }
        }
    }

    static func connectionConfiguration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password, database: location.database,
            tls: location.requiresTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable)
    }

    deinit {
        running.cancel()
    }

    /// Closes the connection pool; later calls fail.
    public func shutdown() async {
        running.cancel()
        await running.value
    }

    /// Waits until the schema is migrated: the first call of every operation.
    @discardableResult
    func opened() async throws -> String { try await ready.value }

    /// Runs `body` on a pooled connection, turning PostgreSQL's errors into ``StoreError``s
    /// that say what failed (protocol errors thrown by `body` pass through).
    func withConnection<T: Sendable>(doing what: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await opened()
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw Self.storeError(error, location: location, doing: what)
        }
    }

    /// Runs `body` in one transaction (`BEGIN` with `mode`), committing when it
    /// returns and rolling back when it throws; the error `body` threw is the one thrown.
    func inTransaction<T: Sendable>(_ mode: String = "", doing what: String,
                                    _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection(doing: what) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "BEGIN \(mode)"), logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// A PostgreSQL error as a sentence for a terminal; the protocol's own errors pass through.
    static func storeError(_ error: any Error, location: PostgresLocation, doing what: String) -> any Error {
        if error is WireErrorBody || error is StoreError || error is CancellationError { return error }
        guard let psql = error as? PSQLError else {
            if String(describing: type(of: error)) == "ConnectionPoolError" {
                return StoreError("cannot \(what): the PostgreSQL server at \(location) cannot be reached (no connection could be made)")
            }
            return StoreError("cannot \(what) on PostgreSQL at \(location): \(error)")
        }
        switch psql.code {
        case .server:
            let message = psql.serverInfo?[.message] ?? "an error"
            let state = psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return StoreError("cannot \(what): PostgreSQL at \(location) answered: \(message)\(state)")
        case .connectionError, .serverClosedConnection, .clientClosedConnection:
            let cause = psql.underlying.map { ": \($0)" } ?? ""
            return StoreError("cannot \(what): the PostgreSQL server at \(location) cannot be reached\(cause)")
        default:
            return StoreError("cannot \(what) on PostgreSQL at \(location): \(String(reflecting: psql).prefix(300))")
        }
    }

    /// Whether `error` is PostgreSQL refusing a duplicate key.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }

    // MARK: SyncStore

    public func epoch() async throws -> String { try await opened() }

    public func createLibrary(named name: String, at millis: Int64) async throws -> ServerLibrary {
        try await withConnection(doing: "create the library '\(name)'") { connection in
            do {
                let rows = try await connection.query(
                    "INSERT INTO library(name, created_at) VALUES (\(name), \(millis)) RETURNING id", logger: logger)
                for try await key in rows.decode(Int64.self) { return ServerLibrary(key: key, name: name) }
            } catch where Self.isUniqueViolation(error) {
                throw StoreError("a library named '\(name)' already exists")
            }
            throw StoreError("the library '\(name)' was not created")
        }
    }

    public func libraries() async throws -> [ServerLibrary] {
        try await withConnection(doing: "list the libraries") { connection in
            var found: [ServerLibrary] = []
            let rows = try await connection.query(#"SELECT id, name FROM library ORDER BY name COLLATE "C""#, logger: logger)
            for try await (key, name) in rows.decode((Int64, String).self) { found.append(ServerLibrary(key: key, name: name)) }
            return found
        }
    }

    public func createToken(library: String, device: String, hash: [UInt8], at millis: Int64) async throws -> DeviceToken {
        try await withConnection(doing: "create a token") { connection in
            let rows = try await connection.query("""
                INSERT INTO token(library_id, device, hash, created_at)
                SELECT id, \(device), \(Data(hash)), \(millis) FROM library WHERE name = \(library) RETURNING id
                """, logger: logger)
            for try await id in rows.decode(Int64.self) {
                return DeviceToken(id: id, library: library, device: device, createdAt: millis, revokedAt: nil,
                                   hashPrefix: SQLiteSyncStore.hex(hash.prefix(6)))
            }
            throw StoreError("no library is named '\(library)' (create it with `reader-server library create \(library)`)")
        }
    }

    public func tokens() async throws -> [DeviceToken] {
        try await withConnection(doing: "list the tokens") { connection in
            try await Self.tokens(connection.query("""
                SELECT t.id, l.name, t.device, t.created_at, t.revoked_at, t.hash
                FROM token t JOIN library l ON l.id = t.library_id ORDER BY t.id
                """, logger: logger))
        }
    }

    public func revokeToken(id: Int64, at millis: Int64) async throws -> DeviceToken? {
        try await withConnection(doing: "revoke token \(id)") { connection in
            try await Self.tokens(connection.query("""
                WITH revoked AS (
                    UPDATE token SET revoked_at = coalesce(revoked_at, \(millis)) WHERE id = \(id)
                    RETURNING id, library_id, device, created_at, revoked_at, hash)
                SELECT t.id, l.name, t.device, t.created_at, t.revoked_at, t.hash FROM revoked t JOIN library l ON l.id = t.library_id
                """, logger: logger)).first
        }
    }

    static func tokens(_ rows: PostgresRowSequence) async throws -> [DeviceToken] {
        var found: [DeviceToken] = []
        for try await (id, library, device, created, revoked, hash) in rows.decode((Int64, String, String, Int64, Int64?, Data).self) {
            found.append(DeviceToken(id: id, library: library, device: device, createdAt: created, revokedAt: revoked,
                                     hashPrefix: SQLiteSyncStore.hex(hash.prefix(6))))
        }
        return found
    }

    public func library(forTokenHash hash: [UInt8]) async throws -> ServerLibrary? {
        try await withConnection(doing: "check a token") { connection in
            let rows = try await connection.query("""
                SELECT l.id, l.name FROM token t JOIN library l ON l.id = t.library_id
                WHERE t.hash = \(Data(hash)) AND t.revoked_at IS NULL
                """, logger: logger)
            for try await (key, name) in rows.decode((Int64, String).self) { return ServerLibrary(key: key, name: name) }
            return nil
        }
    }

    public func session(library: ServerLibrary, node: NodeID?) async throws -> (headSeq: Int64, lastNseq: Int64) {
        try await withConnection(doing: "read the library's head") { connection in
            let rows = try await connection.query("""
                SELECT l.seq, coalesce((SELECT last_nseq FROM node n WHERE n.library_id = l.id AND n.node_id = \(node?.description)), 0)
                FROM library l WHERE l.id = \(library.key)
                """, logger: logger)
            for try await (head, last) in rows.decode((Int64, Int64).self) { return (head, last) }
            return (0, 0)
        }
    }

    public func changes(library: ServerLibrary, after cursor: Int64, limit: Int, notPushedBy node: NodeID?) async throws
        -> (changes: [PulledChange], cursor: Int64, hasMore: Bool) {
        let skipped = node?.description
        // One snapshot: the head read here is the head of the rows read here.
        return try await inTransaction("ISOLATION LEVEL REPEATABLE READ READ ONLY", doing: "read the library's changes") { connection in
            var head: Int64 = 0
            for try await seq in try await connection.query("SELECT seq FROM library WHERE id = \(library.key)", logger: logger).decode(Int64.self) {
                head = seq
            }
            var changes: [PulledChange] = []
            changes.reserveCapacity(limit)
            try await Self.appendChanges(to: &changes, from: connection.query("""
                SELECT entity, record_id, field, value, hlc, seq, rev FROM field_state
                WHERE library_id = \(library.key) AND seq > \(cursor) AND (\(skipped)::text IS NULL OR node_id IS DISTINCT FROM \(skipped)::text)
                ORDER BY seq, entity COLLATE "C", record_id COLLATE "C", field COLLATE "C" LIMIT \(Int64(limit))
                """, logger: logger))
            guard let last = changes.last else { return ([], max(cursor, head), false) }
            if changes.count == limit {
                // A page never splits one seq: take the rest of the last one.
                try await Self.appendChanges(to: &changes, from: connection.query("""
                    SELECT entity, record_id, field, value, hlc, seq, rev FROM field_state
                    WHERE library_id = \(library.key) AND seq = \(last.seq)
                      AND (entity COLLATE "C", record_id COLLATE "C", field COLLATE "C") > (\(last.entity), \(last.id), \(last.field))
                      AND (\(skipped)::text IS NULL OR node_id IS DISTINCT FROM \(skipped)::text)
                    ORDER BY entity COLLATE "C", record_id COLLATE "C", field COLLATE "C"
                    """, logger: logger))
            }
            var more = false
            for try await exists in try await connection.query("""
                SELECT EXISTS (SELECT 1 FROM field_state WHERE library_id = \(library.key) AND seq > \(last.seq)
                               AND (\(skipped)::text IS NULL OR node_id IS DISTINCT FROM \(skipped)::text))
                """, logger: logger).decode(Bool.self) {
                more = exists
            }
            return (changes, more ? last.seq : max(last.seq, head), more)
        }
    }

    static func appendChanges(to changes: inout [PulledChange], from rows: PostgresRowSequence) async throws {
        for try await (entity, id, field, value, hlcText, seq, rev) in rows.decode((String, String, String, String, String, Int64, Int64?).self) {
            guard let hlc = HLC(hlcText) else { throw StoreError("a stored clock is damaged: \(hlcText)") }
            changes.append(PulledChange(seq: seq, entity: entity, id: id, field: field, value: try JSONValue(parsing: value), hlc: hlc, rev: rev))
        }
    }

    /// A push, inside its group's transaction (see ``pushQueue(for:)``): its writes
    /// join the group's only when it succeeds, so one that fails leaves the others
    /// as they are.
    public func push<T: Sendable>(library: ServerLibrary, reading request: PushReadRequest,
                                  _ body: @escaping @Sendable (PushReading, any PushTransaction) async throws -> T) async throws -> T {
        try await opened()
        return try await pushQueue(for: library).runGrouped(request) { group in
            let transaction = PostgresPushTransaction(group: group)
            let result = try await body(try await group.reading(for: request), transaction)
            transaction.released()
            return result
        }
    }

    /// The queue of pushes to `library`: a group's transaction is `BEGIN`, the lock on
    /// the library's counter row (its first statement: pushes through other instances
    /// queue on it), what every push of the group reads (one query), each push, the
    /// group's writes (``PostgresPushGroup/flush()``), `COMMIT` (or `ROLLBACK`).
    func pushQueue(for library: ServerLibrary) -> WriteQueue<PostgresPushGroup, PushReadRequest> {
        pushQueues.withLock { queues in
            if let queue = queues[library.key] { return queue }
            // The queue lives in the store: it holds the store weakly, so that a store
            // nobody holds any more goes, and its connection pool with it (deinit).
            let queue = WriteQueue<PostgresPushGroup, PushReadRequest>(transaction: .init { [weak self] requests, pushes in
                guard let self else { throw StoreError("the server database is closed") }
                try await inTransaction(doing: "store a push") { connection in
                    var head: Int64?
                    for try await seq in try await connection.query(
                        "UPDATE library SET seq = seq WHERE id = \(library.key) RETURNING seq", logger: logger).decode(Int64.self) {
                        head = seq
                    }
                    guard let head else { throw StoreError("the library '\(library.name)' is gone") }
                    let group = PostgresPushGroup(connection: connection, library: library.key, head: head, logger: logger)
                    try await group.read(requests)
                    await pushes(group)
                    try await group.flush()
                }
            }, largestGroup: largestPushGroup)
            queues[library.key] = queue
            return queue
        }
    }

    public func forEachRecord(library: ServerLibrary, _ body: @Sendable (String, String, [String: Stamped]) throws -> Void) async throws {
        try await inTransaction("ISOLATION LEVEL REPEATABLE READ READ ONLY", doing: "read the library's records") { connection in
            let rows = try await connection.query("""
                SELECT entity, record_id, field, value, hlc FROM field_state WHERE library_id = \(library.key)
                ORDER BY entity COLLATE "C", record_id COLLATE "C", field COLLATE "C"
                """, logger: logger)
            var current: (entity: String, id: String)?
            var fields: [String: Stamped] = [:]
            for try await (entity, id, field, value, hlcText) in rows.decode((String, String, String, String, String).self) {
                if let open = current, open.entity != entity || open.id != id {
                    try body(open.entity, open.id, fields)
                    fields = [:]
                }
                current = (entity, id)
                guard let hlc = HLC(hlcText) else { throw StoreError("a stored clock is damaged: \(hlcText)") }
                fields[field] = Stamped(try JSONValue(parsing: value), at: hlc)
            }
            if let open = current { try body(open.entity, open.id, fields) }
        }
    }

    public func textHistory(library: ServerLibrary, entity: String, id: String, field: String) async throws -> [TextRevision] {
        try await withConnection(doing: "read a text's history") { connection in
            var revisions: [TextRevision] = []
            let rows = try await connection.query("""
                SELECT rev, value, hlc, seq, node_id FROM text_revision
                WHERE library_id = \(library.key) AND entity = \(entity) AND record_id = \(id) AND field = \(field) ORDER BY rev
                """, logger: logger)
            for try await (rev, value, hlcText, seq, nodeText) in rows.decode((Int64, String, String, Int64, String).self) {
                guard let hlc = HLC(hlcText), let node = NodeID(hex: nodeText) else { continue }
                revisions.append(TextRevision(rev: rev, value: try JSONValue(parsing: value), hlc: hlc, seq: seq, node: node))
            }
            return revisions
        }
    }

    /// Calls `heard` with a library's key each time a push to it commits, in this
    /// process or another over the same database, until the task is cancelled; with
    /// nil after (re)connecting, when any library may have changed unheard.
    public func listenForPushes(_ heard: @escaping @Sendable (Int64?) -> Void) async throws {
        try await opened()
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.pushChannel) { notifications in
                        heard(nil)
                        for try await notification in notifications {
                            if let key = Int64(notification.payload) { heard(key) }
                        }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("lost the PostgreSQL notification connection; reconnecting", metadata: ["error": .string("\(error)")])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
