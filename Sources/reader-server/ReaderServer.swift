import ArgumentParser
import Foundation
import Logging
import Model
import SyncServer

/// `reader-server`: the sync server for reader libraries, and its administration.
@main
struct ReaderServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reader-server",
        abstract: "The sync server for reader libraries.",
        discussion: """
            One server keeps many libraries in one database: a SQLite file by default, or \
            PostgreSQL for several server instances (--database postgres://USER@HOST:PORT/DB, \
            or READER_SERVER_DATABASE). Each device gets its own token for one library:

              reader-server library create lab --database server.sqlite
              reader-server token create --library lab --device laptop --database server.sqlite
              reader-server serve --database server.sqlite --port 8787
            """,
        version: "0.1.0",
        subcommands: [Serve.self, LibraryCommand.self, TokenCommand.self, Dump.self, Migrate.self, CollectGarbage.self]
    )
}

/// The database options every subcommand takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The server's database: a SQLite file (created on first use) or postgres://USER@HOST:PORT/DATABASE.",
        discussion: "Also READER_SERVER_DATABASE; the default is reader-server.sqlite."))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("The server's SQLite file (as --database FILE).", visibility: .hidden))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(
        "The folder of the libraries' files.",
        discussion: "Default: beside a SQLite database (FILE.blobs); with PostgreSQL, reader-server.blobs here (give every instance the same folder)."))
    var files: String?

    /// The database the options name.
    func location() throws -> ServerDatabase {
        if database != nil, db != nil { throw ValidationError("give the database once: --database or --db, not both") }
        let text = database ?? db ?? ProcessInfo.processInfo.environment["READER_SERVER_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "reader-server.sqlite"
        do {
            return try ServerDatabase(text)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Runs `body` with the store open, and closes it after.
    func withStore<T>(logger: Logger = Logger(label: "reader-server", factory: { _ in SwiftLogNoOpLogHandler() }),
                      largestPushGroup: Int = ServerDatabase.largestPushGroup, _ body: (any SyncStore) async throws -> T) async throws -> T {
        try await Self.withStore(location(), logger: logger, largestPushGroup: largestPushGroup, body)
    }

    /// Runs `body` with the store at `database` open, and closes it after.
    static func withStore<T>(_ database: ServerDatabase,
                             logger: Logger = Logger(label: "reader-server", factory: { _ in SwiftLogNoOpLogHandler() }),
                             largestPushGroup: Int = ServerDatabase.largestPushGroup, _ body: (any SyncStore) async throws -> T) async throws -> T {
        let store: any SyncStore
        do {
            store = try database.open(logger: logger, largestPushGroup: largestPushGroup)
        } catch {
            throw ValidationError("\(error)")
        }
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// The libraries' files.
    func openBlobs() throws -> DirectoryBlobStore {
        do {
            return try DirectoryBlobStore(folder: URL(fileURLWithPath: files ?? location().defaultFilesFolder, isDirectory: true))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// A size option (`200MiB`, `10GiB`, `5000000`).
func byteCount(_ text: String, option: String) throws -> Int64 {
    guard let bytes = ByteCount.parse(text), bytes > 0 else {
        throw ValidationError("\(option) takes a size such as 200MiB or 10GiB, not '\(text)'")
    }
    return bytes
}

func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the sync protocol over HTTP until SIGINT or SIGTERM.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: any free port, printed at start).") var port = 8787
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(name: .customLong("max-file-size"), help: "The largest file a client may upload.") var maxFileSize = "200MiB"
    @Option(help: "The most a library's files may take on this server.") var quota = "10GiB"
    @Option(name: .customLong("push-group"), help: ArgumentHelp(
        "The most pushes to one library one transaction holds (1: group commit off; for benchmarks).", visibility: .hidden))
    var pushGroup = ServerDatabase.largestPushGroup

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "reader-server")
        let limits = BlobLimits(maxFileBytes: try byteCount(maxFileSize, option: "--max-file-size"), quotaBytes: try byteCount(quota, option: "--quota"))
        let blobs = try database.openBlobs()
        let location = try database.location()
        guard pushGroup >= 1 else { throw ValidationError("--push-group takes a number of pushes, 1 or more") }
        try await database.withStore(logger: logger, largestPushGroup: pushGroup) { store in
            let epoch = try await store.epoch()
            logger.info("opened", metadata: ["database": .string(location.description), "epoch": .string(epoch),
                                             "files": .string(blobs.root.path)])
            let service = SyncService(store: store, blobs: blobs, blobLimits: limits)
            let app = SyncServerApplication.make(service: service, host: host, port: port, logger: logger) { bound in
                // The first line on standard output, for scripts and tests that start the server on port 0.
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(bound)\n".utf8))
            }
            try await app.runService()
        }
        logger.info("stopped")
    }
}

struct LibraryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "library", abstract: "Create and list libraries.",
                                                    subcommands: [Create.self, ListLibraries.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a library.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Its name: letters, digits, '.', '_' and '-'.") var name: String

        func run() async throws {
            guard DeviceTokens.isValidName(name) else {
                throw ValidationError("a library name has 1 to 64 letters, digits, '.', '_' or '-': '\(name)' does not")
            }
            let library = try await database.withStore { try await $0.createLibrary(named: name, at: nowMillis()) }
            print("created library \(library.name)")
            print("clients sync with: reader remote set http://HOST:PORT/v1/libraries/\(library.name) --token TOKEN")
        }
    }

    struct ListLibraries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the libraries.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            for library in try await database.withStore({ try await $0.libraries() }) { print(library.name) }
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Create, list and revoke device tokens.",
                                                    subcommands: [Create.self, ListTokens.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for one device; it is printed once.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The library the token opens.") var library: String
        @Option(help: "The device's name, for `token list`.") var device: String

        func run() async throws {
            guard DeviceTokens.isValidName(device) else {
                throw ValidationError("a device name has 1 to 64 letters, digits, '.', '_' or '-': '\(device)' does not")
            }
            let token = DeviceTokens.make()
            let record = try await database.withStore {
                try await $0.createToken(library: library, device: device, hash: SyncService.hash(token), at: nowMillis())
            }
            print(token)
            FileHandle.standardError.write(Data("token \(record.id) for \(record.device) on library \(record.library): shown once, only its SHA-256 is stored\n".utf8))
        }
    }

    struct ListTokens: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never the tokens themselves).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            print("id\tlibrary\tdevice\tcreated\trevoked\tsha256")
            let format = ISO8601DateFormatter()
            func date(_ millis: Int64) -> String { format.string(from: Date(timeIntervalSince1970: Double(millis) / 1000)) }
            for token in try await database.withStore({ try await $0.tokens() }) {
                print("\(token.id)\t\(token.library)\t\(token.device)\t\(date(token.createdAt))\t\(token.revokedAt.map(date) ?? "-")\t\(token.hashPrefix)…")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id (from `token list`).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The token's id.") var id: Int64

        func run() async throws {
            guard let token = try await database.withStore({ try await $0.revokeToken(id: id, at: nowMillis()) }) else {
                throw ValidationError("no token has id \(id); `reader-server token list` shows them")
            }
            print("revoked token \(token.id) (\(token.device) on \(token.library))")
        }
    }
}

struct Dump: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a library's canonical dump (as `reader export --format json --canonical`).")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The library.") var library: String

    func run() async throws {
        try await database.withStore { store in
            guard let found = try await store.libraries().first(where: { $0.name == library }) else {
                throw ValidationError("no library is named '\(library)'")
            }
            FileHandle.standardOutput.write(Data(try await SyncService(store: store).dump(library: found).utf8))
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a server database into another: SQLite to PostgreSQL, or back.",
        discussion: """
            Stop the servers first. Every library, token hash, receipt, text revision and \
            device cursor is copied with its ids and the server's epoch, so that clients \
            go on syncing as if nothing had moved. The copy is one transaction, read back \
            and compared with the source before it commits (a push the source took \
            meanwhile rolls it back). The destination must be new \
            (no library, no token) or hold the same already: running it twice changes \
            nothing. The libraries' files are not moved: serve the new database with \
            --files naming the old folder.

              reader-server migrate --from sqlite:server.sqlite --to postgres://reader@db:5432/reader
            """
    )
    @Option(help: "The database to copy: a SQLite file (sqlite:FILE) or postgres://USER@HOST:PORT/DATABASE.") var from: String
    @Option(help: "The database to copy into (created and migrated on first use).") var to: String

    func run() async throws {
        let source: ServerDatabase, destination: ServerDatabase
        do {
            source = try ServerDatabase(from)
            destination = try ServerDatabase(to)
        } catch {
            throw ValidationError("\(error)")
        }
        guard source != destination else { throw ValidationError("--from and --to name the same database (\(source))") }
        if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("there is no server database at \(path) (--from)")
        }
        let report = try await DatabaseOptions.withStore(source) { from in
            try await DatabaseOptions.withStore(destination) { to in
                guard let from = from as? any RowCopyingStore, let to = to as? any RowCopyingStore else {
                    throw ValidationError("these stores cannot be copied row for row")
                }
                return try await StoreCopy.copy(from: from, to: to)
            }
        }
        print("\(source) -> \(destination): \(report)")
        let files = source.defaultFilesFolder
        if FileManager.default.fileExists(atPath: files) {
            print("the libraries' files stay in \(files): serve the new database with --files \(files)")
        }
    }
}

struct CollectGarbage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove the files no attachment record names any more, after a grace period.",
        discussion: """
            A file stays while any attachment record of its library names it (a trashed one \
            too: it can be restored). Once none does (the attachment or its paper was purged), \
            the file is removed when it has been stored longer than the grace period, so that \
            an upload whose record is still on its way is never collected. Uploads that a \
            stopped server left unfinished go after the same period.
            """
    )
    @OptionGroup var database: DatabaseOptions
    @Option(help: "How long an unnamed file is kept: 7d, 12h, 30m or seconds.") var grace = "7d"
    @Flag(name: .customLong("dry-run"), help: "Say what would be removed; remove nothing.") var dryRun = false

    func run() async throws {
        guard let seconds = Self.duration(grace) else {
            throw ValidationError("--grace takes a duration such as 7d, 12h or 30m, not '\(grace)'")
        }
        let blobs = try database.openBlobs()
        let report = try await database.withStore { store in
            try await BlobCollector(store: store, blobs: blobs).collect(olderThan: Date().addingTimeInterval(-seconds), dryRun: dryRun)
        }
        for (library, removed) in report.removed where !removed.isEmpty {
            let bytes = removed.reduce(Int64(0)) { $0 + $1.size }
            print("\(library): \(dryRun ? "would remove" : "removed") \(removed.count) file\(removed.count == 1 ? "" : "s") (\(ByteCount.text(bytes)))")
        }
        print("\(dryRun ? "Would remove" : "Removed") \(report.removedCount) unnamed file\(report.removedCount == 1 ? "" : "s"); kept \(report.kept) named and \(report.young) within the grace period; \(report.abandonedUploads) unfinished upload\(report.abandonedUploads == 1 ? "" : "s").")
    }

    static func duration(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        if let last = text.last, let unit = units[last], let value = Double(text.dropLast()), value >= 0 { return value * unit }
        return Double(text).flatMap { $0 >= 0 ? $0 : nil }
    }
}
