import Foundation
import GRDB
import Model

/// A reading list stored in one SQLite file.
///
/// `Library` is the only way in: every read goes through its queries and every
/// write through its single write path, which stamps each changed field with the
/// library's hybrid logical clock and records it in the outbox for sync, in the
/// same transaction as the change.
///
/// ```swift
/// let library = try Library(path: "~/papers.sqlite")
/// let paper = try library.add(PaperDraft(title: "Attention Is All You Need"))
/// try library.setStatus(.read, of: paper.paper.id)
/// let hits = try library.search("tag:ml attention")
/// ```
///
/// Several processes may open the same file at once: writes wait for each other
/// (WAL mode with a busy timeout) instead of failing.
public final class Library: Sendable {
    /// The database file.
    public let path: String
    /// The database; its SQLite errors reach callers as ``StorageError/database(path:problem:)``.
    let dbQueue: LibraryDatabase
    let wallClock: @Sendable () -> UInt64
    /// Where tests inject crashes (see ``CrashPoints``).
    let crashPoints = CrashPoints()

    /// Opens the library at `path`, creating the file and its folder on first use,
    /// and brings its schema up to date.
    ///
    /// - Parameter wallClock: milliseconds since 1970; tests pass a clock of
    ///   their own to check that the HLC never goes backwards.
    public init(path: String, wallClock: (@Sendable () -> UInt64)? = nil) throws {
        self.path = path
        self.wallClock = wallClock ?? { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }
        try Library.refuseForeignFile(at: path)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StorageError.cannotOpen(path: path, reason: "cannot create the folder \(folder): \(error.localizedDescription)")
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = false
        configuration.label = "reader.library"
        configuration.prepareDatabase { db in
            db.add(function: Library.foldFunction)
            // A new file gets 8 KiB pages: a paper with its abstract (2-3 KiB) left
            // most of a 4 KiB page empty, one paper per page (a 100,000-paper library
            // took 550 MB instead of 411 MB, and a first sync 0.7 s more).
            if try Int.fetchOne(db, sql: "PRAGMA page_count") == 0 {
                try db.execute(sql: "PRAGMA page_size = 8192")
            }
            // WAL mode is stored in the file: set it once. (GRDB's `.wal` setting also
            // writes a transaction whenever the -wal file is empty, which is at every
            // start of a short-lived process: a write lock and a commit for a `list`.)
            if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" {
                guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                    throw StorageError.cannotOpen(path: path, reason: "SQLite could not switch the file to WAL mode")
                }
            }
            // NORMAL is durable across application crashes in WAL mode; a larger page
            // cache keeps big imports from spilling to the WAL mid-transaction.
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768")
        }
        do {
            dbQueue = LibraryDatabase(queue: try DatabaseQueue(path: path, configuration: configuration), path: path)
            // Most opens find a current schema: check it with one read of the file
            // header (`user_version`, set by the last migration) and take no write lock.
            let (current, deferred) = try dbQueue.read { db in
                // Tables but no `meta` and no schema version: another program's database.
                if try Int.fetchOne(db, sql: "PRAGMA user_version") == 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0 > 0,
                   try !db.tableExists("meta") {
                    throw StorageError.notALibrary(path: path, what: "an SQLite database of another program")
                }
                let current = try Schema.isCurrent(db)
                return (current, current ? try Schema.meta(db, Schema.searchIndexDeferredKey) != nil : false)
            }
            if !current {
                try dbQueue.mapped { try Schema.migrator.migrate(dbQueue.queue) }
                try dbQueue.write { db in try Schema.ensureIdentity(db) }
            }
            // A first sync that was interrupted left the search index to be rebuilt.
            if deferred { try rebuildSearchIndexIfDeferred() }
        } catch let error as DatabaseError {
            throw StorageError.database(path: path, problem: DatabaseProblem(error))
        }
    }

    /// `reader_fold(text)`: ``Model/TextNormalization/matchKey(_:)`` in SQL (lower case,
    /// accents and punctuation folded), for filters that compare names as search does.
    static let foldFunction = DatabaseFunction("reader_fold", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(TextNormalization.matchKey)
    }

    /// Refuses to turn an existing file that is not a reader library into one (an
    /// empty file, a text file, another program's data), saying what the file is.
    static func refuseForeignFile(at path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        let what: String
        if head.isEmpty {
            what = "an empty file"
        } else if head.starts(with: Array("SQLite format 3\u{0}".utf8)) {
            return
        } else if String(data: head, encoding: .utf8).map({ !$0.contains("\u{0}") }) ?? false {
            what = "a text file"
        } else {
            what = "a file of another kind (\(head.count >= 4096 ? "binary data" : "\(head.count) bytes of binary data"))"
        }
        throw StorageError.notALibrary(path: path, what: what)
    }

    /// This library copy's node id, stamped into every clock it issues.
    public var nodeID: NodeID {
        get throws {
            try dbQueue.read { db in try Schema.nodeID(db) }
        }
    }

    /// The last clock this library issued or saw.
    public var lastClock: HLC? {
        get throws {
            try dbQueue.read { db in try Schema.meta(db, "hlc").flatMap(HLC.init) }
        }
    }

    /// Runs `body` in one write transaction with the write path open; everything it
    /// changes is stamped, queued for sync and indexed before the commit.
    @discardableResult
    ///
    /// With `dryRun`, everything runs the same way and is then rolled back: what a
    /// write would do, reported without doing it.
    func write<T>(dryRun: Bool = false, _ body: (ChangeWriter) throws -> T) throws -> T {
        guard dryRun else {
            return try dbQueue.write { db in
                let writer = try ChangeWriter(db: db, wallMillis: wallClock(), crashPoints: crashPoints)
                let result = try body(writer)
                try writer.finish()
                return result
            }
        }
        var result: T?
        try dbQueue.inTransaction { db in
            let writer = try ChangeWriter(db: db, wallMillis: wallClock(), crashPoints: crashPoints)
            result = try body(writer)
            try writer.finish()
            return .rollback
        }
        guard let result else { throw StorageError.invalidValue(field: "dry run", reason: "the transaction gave no result") }
        return result
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try dbQueue.read(body)
    }
}
