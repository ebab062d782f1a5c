import ArgumentParser
import Foundation
import Logging
import SyncServer

/// `reader-server`: the sync server for reader libraries, and its administration.
@main
struct ReaderServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reader-server",
        abstract: "The sync server for reader libraries.",
        discussion: """
            One server keeps many libraries in one SQLite file. Each device gets its own \
            token for one library:

              reader-server library create lab --db server.sqlite
              reader-server token create --library lab --device laptop --db server.sqlite
              reader-server serve --db server.sqlite --port 8787
            """,
        version: "0.1.0",
        subcommands: [Serve.self, LibraryCommand.self, TokenCommand.self, Dump.self]
    )
}

/// The database option every subcommand takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The server's SQLite database (created on first use).")
    var db: String = "reader-server.sqlite"

    func open() throws -> SQLiteSyncStore {
        do {
            return try SQLiteSyncStore(path: db)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the sync protocol over HTTP until SIGINT or SIGTERM.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: any free port, printed at start).") var port = 8787
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

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
        let store = try database.open()
        logger.info("opened", metadata: ["db": .string(database.db), "epoch": .string(store.currentEpoch)])
        let app = SyncServerApplication.make(service: SyncService(store: store), host: host, port: port, logger: logger) { bound in
            // The first line on standard output, for scripts and tests that start the server on port 0.
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(bound)\n".utf8))
        }
        try await app.runService()
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
            let library = try await database.open().createLibrary(named: name, at: nowMillis())
            print("created library \(library.name)")
            print("clients sync with: reader remote set http://HOST:PORT/v1/libraries/\(library.name) --token TOKEN")
        }
    }

    struct ListLibraries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the libraries.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            for library in try await database.open().libraries() { print(library.name) }
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
            let record = try await database.open().createToken(library: library, device: device, hash: SyncService.hash(token), at: nowMillis())
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
            for token in try await database.open().tokens() {
                print("\(token.id)\t\(token.library)\t\(token.device)\t\(date(token.createdAt))\t\(token.revokedAt.map(date) ?? "-")\t\(token.hashPrefix)…")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id (from `token list`).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The token's id.") var id: Int64

        func run() async throws {
            guard let token = try await database.open().revokeToken(id: id, at: nowMillis()) else {
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
        let store = try database.open()
        guard let found = try await store.libraries().first(where: { $0.name == library }) else {
            throw ValidationError("no library is named '\(library)'")
        }
        FileHandle.standardOutput.write(Data(try await SyncService(store: store).dump(library: found).utf8))
    }
}
