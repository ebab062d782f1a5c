import Foundation
import Logging

/// Which database a server uses, as `--database` (or `READER_SERVER_DATABASE`) names
/// it: a SQLite file (`server.sqlite`, or `sqlite:server.sqlite`), or PostgreSQL
/// (`postgres://USER@HOST:PORT/DATABASE`).
///
/// ```swift
/// let store = try ServerDatabase("postgres://reader@127.0.0.1:5432/reader").open()
/// ```
public enum ServerDatabase: Hashable, Sendable, CustomStringConvertible {
    /// The embedded default: one file.
    case sqlite(path: String)
    /// A PostgreSQL database, shared by any number of server processes.
    case postgres(PostgresLocation)

    /// Reads a `--database` value.
    public init(_ text: String) throws {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: text))
        } else if lowered.hasPrefix("postgres:") || lowered.hasPrefix("postgresql:") {
            throw StoreError("'\(PostgresLocation.redacted(text))' is not a PostgreSQL URL: write postgres://USER@HOST:PORT/DATABASE")
        } else {
            let path = lowered.hasPrefix("sqlite:") ? String(text.dropFirst("sqlite:".count)) : text
            guard !path.isEmpty else { throw StoreError("'\(text)' names no SQLite file: write sqlite:FILE or a file's path") }
            self = .sqlite(path: path)
        }
    }

    /// The most pushes to one library that share a transaction, unless told otherwise.
    public static let largestPushGroup = 64

    /// Opens the store (creating and migrating the database on first use);
    /// `largestPushGroup` bounds the pushes one transaction holds (1: group commit off).
    public func open(logger: Logger = Logger(label: "reader-server", factory: { _ in SwiftLogNoOpLogHandler() }),
                     largestPushGroup: Int = ServerDatabase.largestPushGroup) throws -> any SyncStore {
        switch self {
        case .sqlite(let path): try SQLiteSyncStore(path: path, largestPushGroup: largestPushGroup)
        case .postgres(let location): try PostgresSyncStore(location: location, logger: logger, largestPushGroup: largestPushGroup)
        }
    }

    /// The libraries' files by default: beside a SQLite database (`<file>.blobs`);
    /// for PostgreSQL, `reader-server.blobs` in the working directory (give every
    /// instance the same folder with `--files`).
    public var defaultFilesFolder: String {
        switch self {
        case .sqlite(let path): path + ".blobs"
        case .postgres: "reader-server.blobs"
        }
    }

    /// The database for messages and logs (never a password).
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }
}

extension SyncStore {
    /// Closes what the store holds open (a connection pool); a no-op for SQLite.
    public func close() async {
        await (self as? PostgresSyncStore)?.shutdown()
    }
}
