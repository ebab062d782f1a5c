import Foundation
import GRDB
import Model
import SyncWire

/// The embedded store: every library in one SQLite file.
///
/// WAL mode with `synchronous = FULL` (an acknowledged push survives a power cut),
/// pushes in `BEGIN IMMEDIATE` transactions, reads from snapshots that never wait
/// for a push. `field_state` keeps the latest value of every field with the `seq`
/// that last changed it, indexed by (library, seq): a pull is one index range scan.
///
/// ```swift
/// let store = try SQLiteSyncStore(path: "/var/lib/reader/server.sqlite")
/// ```
public final class SQLiteSyncStore: SyncStore {
    let pool: DatabasePool
    /// The database file.
    let path: String
    /// The server's epoch (see ``SyncStore/epoch()``), read once when the store opens.
    public let currentEpoch: String
    /// Every write, one at a time: a push's transaction stays open across the
    /// awaits of its body, and no other write may run inside it.
    /// Pushes that arrive together share one transaction (group commit).
    let writes: WriteQueue<Void, Void>

    /// Opens (creating on first use) the server database at `path` and migrates it.
    ///
    /// The epoch lives in the database and in `<path>.epoch` beside it. When they
    /// differ, or the file is missing for a database that has one, the database was
    /// restored or copied: a new epoch is made so that every client resyncs in full.
    ///
    /// `largestPushGroup` bounds how many pushes that arrive together share one
    /// transaction (1 turns group commit off: benchmarks compare the two).
    public init(path: String, largestPushGroup: Int = ServerDatabase.largestPushGroup) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.label = "reader-server"
        // A push's transaction spans several calls of its async body (see `push`);
        // the write queue guarantees nothing else writes meanwhile.
        configuration.allowsUnsafeTransactions = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let writer = pool
            writes = WriteQueue(transaction: WriteQueue.Transaction { _, group in
                try writer.writeNow { db in try db.execute(sql: "BEGIN IMMEDIATE") }
                await group(())
                do {
                    try writer.writeNow { db in try db.execute(sql: "COMMIT") }
                } catch {
                    try? writer.writeNow { db in if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") } }
                    throw error
                }
            }, largestGroup: largestPushGroup)
            try Self.migrator.migrate(pool)
            let epochFile = path + ".epoch"
            let onDisk = (try? String(contentsOfFile: epochFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            let epoch = try pool.write { db -> String in
                let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'epoch'")
                if let stored, stored == onDisk { return stored }
                let fresh = UUID().uuidString.lowercased()
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('epoch', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [fresh])
                return fresh
            }
            if onDisk != epoch {
                try epoch.write(toFile: epochFile, atomically: true, encoding: .utf8)
            }
            currentEpoch = epoch
        } catch let error as DatabaseError {
            throw StoreError("cannot open the server database \(path): \(error.message ?? error.description)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: libraries, tokens, field state, receipts") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE library (
                    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
                    seq INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL
                );
                CREATE TABLE token (
                    id INTEGER PRIMARY KEY, library_id INTEGER NOT NULL REFERENCES library(id),
                    device TEXT NOT NULL, hash BLOB NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL, revoked_at INTEGER
                );
                CREATE TABLE node (
                    library_id INTEGER NOT NULL, node_id TEXT NOT NULL, last_nseq INTEGER NOT NULL,
                    PRIMARY KEY (library_id, node_id)
                ) WITHOUT ROWID;
                CREATE TABLE field_state (
                    library_id INTEGER NOT NULL, entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
                    value TEXT NOT NULL, hlc TEXT NOT NULL, seq INTEGER NOT NULL, rev INTEGER,
                    UNIQUE (library_id, entity, record_id, field)
                );
                CREATE INDEX field_state_by_seq ON field_state(library_id, seq);
                CREATE TABLE text_revision (
                    library_id INTEGER NOT NULL, entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
                    rev INTEGER NOT NULL, value TEXT NOT NULL, hlc TEXT NOT NULL, seq INTEGER NOT NULL, node_id TEXT NOT NULL,
                    PRIMARY KEY (library_id, entity, record_id, field, rev)
                ) WITHOUT ROWID;
                CREATE TABLE push_receipt (
                    library_id INTEGER NOT NULL, idempotency_key TEXT NOT NULL, node_id TEXT NOT NULL,
                    body_hash BLOB NOT NULL, first_nseq INTEGER NOT NULL, last_nseq INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (library_id, idempotency_key)
                ) WITHOUT ROWID;
                CREATE INDEX push_receipt_by_node ON push_receipt(library_id, node_id, last_nseq);
                """)
        }
        migrator.registerMigration("v2: the node that pushed each field's latest value") { db in
            // Rows from before have none: they are served to every node.
            try db.execute(sql: "ALTER TABLE field_state ADD COLUMN node_id TEXT")
        }
        return migrator
    }

    public func epoch() async throws -> String { currentEpoch }

    /// How many receipts the server keeps per node (a client retries only its one batch in flight).
    static let receiptsKeptPerNode = 16

    public func createLibrary(named name: String, at millis: Int64) async throws -> ServerLibrary {
        try await writes.run { [pool] in try await pool.write { db in
            if try Int64.fetchOne(db, sql: "SELECT id FROM library WHERE name = ?", arguments: [name]) != nil {
                throw StoreError("a library named '\(name)' already exists")
            }
            try db.execute(sql: "INSERT INTO library(name, created_at) VALUES (?, ?)", arguments: [name, millis])
            return ServerLibrary(key: db.lastInsertedRowID, name: name)
        } }
    }

    public func libraries() async throws -> [ServerLibrary] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM library ORDER BY name").map { ServerLibrary(key: $0[0], name: $0[1]) }
        }
    }

    public func createToken(library: String, device: String, hash: [UInt8], at millis: Int64) async throws -> DeviceToken {
        try await writes.run { [pool] in try await pool.write { db in
            guard let libraryID = try Int64.fetchOne(db, sql: "SELECT id FROM library WHERE name = ?", arguments: [library]) else {
                throw StoreError("no library is named '\(library)' (create it with `reader-server library create \(library)`)")
            }
            try db.execute(sql: "INSERT INTO token(library_id, device, hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [libraryID, device, Data(hash), millis])
            return DeviceToken(id: db.lastInsertedRowID, library: library, device: device, createdAt: millis, revokedAt: nil,
                               hashPrefix: Self.hex(hash.prefix(6)))
        } }
    }

    public func tokens() async throws -> [DeviceToken] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.id, l.name, t.device, t.created_at, t.revoked_at, t.hash
                FROM token t JOIN library l ON l.id = t.library_id ORDER BY t.id
                """).map(Self.token)
        }
    }

    public func revokeToken(id: Int64, at millis: Int64) async throws -> DeviceToken? {
        try await writes.run { [pool] in try await pool.write { db in
            try db.execute(sql: "UPDATE token SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", arguments: [millis, id])
            return try Row.fetchOne(db, sql: """
                SELECT t.id, l.name, t.device, t.created_at, t.revoked_at, t.hash
                FROM token t JOIN library l ON l.id = t.library_id WHERE t.id = ?
                """, arguments: [id]).map(Self.token)
        } }
    }

    static func token(_ row: Row) -> DeviceToken {
        let hash: Data = row[5]
        return DeviceToken(id: row[0], library: row[1], device: row[2], createdAt: row[3], revokedAt: row[4], hashPrefix: hex(hash.prefix(6)))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    public func library(forTokenHash hash: [UInt8]) async throws -> ServerLibrary? {
        try await pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT l.id, l.name FROM token t JOIN library l ON l.id = t.library_id
                WHERE t.hash = ? AND t.revoked_at IS NULL
                """), arguments: [Data(hash)]).map { ServerLibrary(key: $0[0], name: $0[1]) }
        }
    }

    public func session(library: ServerLibrary, node: NodeID?) async throws -> (headSeq: Int64, lastNseq: Int64) {
        try await pool.read { db in
            let head = try Int64.fetchOne(db, sql: "SELECT seq FROM library WHERE id = ?", arguments: [library.key]) ?? 0
            var last: Int64 = 0
            if let node {
                last = try Int64.fetchOne(db, sql: "SELECT last_nseq FROM node WHERE library_id = ? AND node_id = ?",
                                          arguments: [library.key, node.description]) ?? 0
            }
            return (head, last)
        }
    }

    public func changes(library: ServerLibrary, after cursor: Int64, limit: Int, notPushedBy node: NodeID?) async throws
        -> (changes: [PulledChange], cursor: Int64, hasMore: Bool) {
        try await pool.read { db in
            // One snapshot: the head read here is the head of the rows read here.
            let head = try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM library WHERE id = ?"), arguments: [library.key]) ?? 0
            let skipped = node?.description
            var changes: [PulledChange] = []
            changes.reserveCapacity(limit)
            var lastRowID: Int64 = 0
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT entity, record_id, field, value, hlc, seq, rev, rowid FROM field_state
                WHERE library_id = ? AND seq > ? AND (?3 IS NULL OR node_id IS NOT ?3) ORDER BY seq, rowid LIMIT ?4
                """), arguments: [library.key, cursor, skipped, limit])
            while let row = try rows.next() {
                changes.append(try Self.pulled(row))
                lastRowID = row[7]
            }
            guard let last = changes.last else { return ([], max(cursor, head), false) }
            if changes.count == limit {
                // A page never splits one seq: take the rest of the last one.
                let rest = try Row.fetchCursor(db.cachedStatement(sql: """
                    SELECT entity, record_id, field, value, hlc, seq, rev, rowid FROM field_state
                    WHERE library_id = ? AND seq = ? AND rowid > ? AND (?4 IS NULL OR node_id IS NOT ?4) ORDER BY rowid
                    """), arguments: [library.key, last.seq, lastRowID, skipped])
                while let row = try rest.next() { changes.append(try Self.pulled(row)) }
            }
            let more = try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM field_state WHERE library_id = ? AND seq > ? AND (?3 IS NULL OR node_id IS NOT ?3))
                """), arguments: [library.key, last.seq, skipped]) ?? false
            return (changes, more ? last.seq : max(last.seq, head), more)
        }
    }

    static func pulled(_ row: Row) throws -> PulledChange {
        let valueText: String = row[3], hlcText: String = row[4]
        guard let hlc = HLC(hlcText) else { throw StoreError("a stored clock is damaged: \(hlcText)") }
        return PulledChange(seq: row[5], entity: row[0], id: row[1], field: row[2],
                            value: try JSONValue(parsing: valueText), hlc: hlc, rev: row[6])
    }

    /// A push: `BEGIN IMMEDIATE`, the body's calls, `COMMIT` (or `ROLLBACK` when it
    /// throws), run in the write queue so that no other write comes in between.
    public func push<T: Sendable>(library: ServerLibrary, reading request: PushReadRequest,
                                  _ body: @escaping @Sendable (PushReading, any PushTransaction) async throws -> T) async throws -> T {
        let pool = self.pool
        // In the group's transaction (WriteQueue): a savepoint of its own, so that a
        // push that fails takes back its writes only.
        return try await writes.runGrouped(()) { _ in
            try pool.writeNow { db in try db.execute(sql: "SAVEPOINT push") }
            do {
                let transaction = SQLitePushTransaction(pool: pool, library: library.key)
                let result = try await body(try transaction.read(request), transaction)
                try pool.writeNow { db in try db.execute(sql: "RELEASE push") }
                return result
            } catch {
                try? pool.writeNow { db in try db.execute(sql: "ROLLBACK TO push; RELEASE push") }
                throw error
            }
        }
    }

    public func forEachRecord(library: ServerLibrary, _ body: @Sendable (String, String, [String: Stamped]) throws -> Void) async throws {
        try await pool.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT entity, record_id, field, value, hlc FROM field_state
                WHERE library_id = ? ORDER BY entity, record_id, field
                """, arguments: [library.key])
            var current: (entity: String, id: String)?
            var fields: [String: Stamped] = [:]
            while let row = try rows.next() {
                let entity: String = row[0], id: String = row[1]
                if let open = current, open.entity != entity || open.id != id {
                    try body(open.entity, open.id, fields)
                    fields = [:]
                }
                current = (entity, id)
                let hlcText: String = row[4]
                guard let hlc = HLC(hlcText) else { throw StoreError("a stored clock is damaged: \(hlcText)") }
                fields[row[2]] = Stamped(try JSONValue(parsing: row[3] as String), at: hlc)
            }
            if let open = current { try body(open.entity, open.id, fields) }
        }
    }

    public func textHistory(library: ServerLibrary, entity: String, id: String, field: String) async throws -> [TextRevision] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT rev, value, hlc, seq, node_id FROM text_revision
                WHERE library_id = ? AND entity = ? AND record_id = ? AND field = ? ORDER BY rev
                """, arguments: [library.key, entity, id, field]).compactMap { row in
                guard let hlc = HLC(row[2] as String), let node = NodeID(hex: row[4] as String) else { return nil }
                return TextRevision(rev: row[0], value: try JSONValue(parsing: row[1] as String), hlc: hlc, seq: row[3], node: node)
            }
        }
    }
}

/// One push's transaction on the SQLite store: each call runs on the writer
/// connection, inside the transaction ``SQLiteSyncStore/push(library:_:)`` opened.
/// The calls are synchronous under their `async` signature: SQLite answers in
/// microseconds, and hopping to GRDB's writer queue for each would cost more.
struct SQLitePushTransaction: PushTransaction {
    let pool: DatabasePool
    let library: Int64

    /// What the push reads before it decides, in the transaction.
    func read(_ request: PushReadRequest) throws -> PushReading {
        let (key, node, records) = (request.receiptKey, request.node, request.records)
        return try pool.writeNow { db in
            var receipt: StoredReceipt?
            if let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT node_id, body_hash, first_nseq, last_nseq, body FROM push_receipt
                WHERE library_id = ? AND idempotency_key = ?
                """), arguments: [library, key]), let node = NodeID(hex: row[0] as String) {
                let hash: Data = row[1]
                receipt = StoredReceipt(key: key, node: node, bodyHash: Array(hash), firstNseq: row[2], lastNseq: row[3], body: row[4])
            }
            let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT last_nseq FROM node WHERE library_id = ? AND node_id = ?"),
                                          arguments: [library, node.description]) ?? 0
            let head = try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM library WHERE id = ?"), arguments: [library]) ?? 0
            var fields: [RecordKey: [String: PulledChange]] = [:]
            let statement = try db.cachedStatement(sql: """
                SELECT field, value, hlc, seq, rev FROM field_state WHERE library_id = ? AND entity = ? AND record_id = ?
                """)
            for record in records {
                let rows = try Row.fetchCursor(statement, arguments: [library, record.entity, record.id])
                while let row = try rows.next() {
                    guard let hlc = HLC(row[2] as String) else { throw StoreError("a stored clock is damaged") }
                    let field: String = row[0]
                    fields[record, default: [:]][field] = PulledChange(seq: row[3], entity: record.entity, id: record.id, field: field,
                                                                       value: try JSONValue(parsing: row[1] as String), hlc: hlc, rev: row[4])
                }
            }
            return PushReading(receipt: receipt, lastNseq: last, headSeq: head, fields: fields)
        }
    }

    func apply(_ writes: [StoreWrite], pushedBy node: NodeID) async throws {
        let node = node.description
        try pool.writeNow { db in
            for write in writes {
                switch write {
                case .field(let state):
                    try db.cachedStatement(sql: """
                        INSERT INTO field_state(library_id, entity, record_id, field, value, hlc, seq, rev, node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(library_id, entity, record_id, field) DO UPDATE SET
                            value = excluded.value, hlc = excluded.hlc, seq = excluded.seq, rev = excluded.rev, node_id = excluded.node_id
                        """).execute(arguments: [library, state.entity, state.id, state.field, state.value.canonicalJSON, state.hlc.description,
                                                 state.seq, state.rev, node])
                case .clear(let record, let keeping):
                    try db.cachedStatement(sql: "DELETE FROM field_state WHERE library_id = ? AND entity = ? AND record_id = ? AND field <> ?")
                        .execute(arguments: [library, record.entity, record.id, keeping])
                case .revision(let record, let field, let revision):
                    try db.cachedStatement(sql: """
                        INSERT OR REPLACE INTO text_revision(library_id, entity, record_id, field, rev, value, hlc, seq, node_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [library, record.entity, record.id, field, revision.rev, revision.value.canonicalJSON,
                                                 revision.hlc.description, revision.seq, revision.node.description])
                }
            }
        }
    }

    func finish(headSeq: Int64, node: NodeID, lastNseq: Int64, receipt: StoredReceipt) async throws {
        try pool.writeNow { db in
            try db.cachedStatement(sql: "UPDATE library SET seq = ? WHERE id = ?").execute(arguments: [headSeq, library])
            try db.cachedStatement(sql: """
                INSERT INTO node(library_id, node_id, last_nseq) VALUES (?, ?, ?)
                ON CONFLICT(library_id, node_id) DO UPDATE SET last_nseq = excluded.last_nseq
                """).execute(arguments: [library, node.description, lastNseq])
            try db.cachedStatement(sql: """
                INSERT INTO push_receipt(library_id, idempotency_key, node_id, body_hash, first_nseq, last_nseq, body)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [library, receipt.key, node.description, Data(receipt.bodyHash),
                                         receipt.firstNseq, receipt.lastNseq, receipt.body])
            try db.cachedStatement(sql: """
                DELETE FROM push_receipt WHERE library_id = ? AND node_id = ? AND last_nseq <= (
                    SELECT last_nseq FROM push_receipt WHERE library_id = ? AND node_id = ?
                    ORDER BY last_nseq DESC LIMIT 1 OFFSET ?)
                """).execute(arguments: [library, node.description, library, node.description, SQLiteSyncStore.receiptsKeptPerNode])
        }
    }
}

extension DatabasePool {
    /// Runs `updates` on the writer connection now, blocking this thread for the
    /// microseconds SQLite takes (GRDB's async `writeWithoutTransaction` would hop
    /// queues for each call of a push instead). Outside an open transaction each
    /// statement commits on its own.
    func writeNow<T>(_ updates: (Database) throws -> T) throws -> T {
        try writeWithoutTransaction(updates)
    }
}
