import Foundation
import GRDB

/// An SQLite failure a user can cause, in words: what happened to which file and
/// what to do. reader never shows SQL or SQLite's own codes on a terminal.
public enum DatabaseProblem: Hashable, Sendable {
    /// The file (or its folder) cannot be written.
    case readOnly
    /// The disk is full.
    case diskFull
    /// Another process held the library locked for longer than reader waits.
    case locked
    /// The file is not an SQLite database at all.
    case notADatabase
    /// SQLite found the file's pages inconsistent.
    case damaged
    /// The file cannot be opened (a missing folder, no permission).
    case cannotOpen
    /// The disk reported an error while reading or writing.
    case inputOutput
    /// Anything else, with SQLite's primary code and message (no SQL).
    case other(code: Int32, message: String)

    /// The problem an SQLite error stands for.
    init(_ error: DatabaseError) {
        switch error.resultCode {
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH: self = .readOnly
        case .SQLITE_FULL: self = .diskFull
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .locked
        case .SQLITE_NOTADB: self = .notADatabase
        case .SQLITE_CORRUPT: self = .damaged
        case .SQLITE_CANTOPEN: self = .cannotOpen
        case .SQLITE_IOERR: self = .inputOutput
        default: self = .other(code: error.resultCode.rawValue, message: error.message ?? "no message")
        }
    }

    /// What happened to `path`, and what to do about it.
    func describe(path: String) -> String {
        switch self {
        case .readOnly:
            "the library \(path) is read-only: nothing was changed. Check the permissions of the file and its folder (`ls -l`), or choose another library with --library"
        case .diskFull:
            "the disk holding the library \(path) is full: nothing was changed. Free some space and run the command again"
        case .locked:
            "the library \(path) stayed locked by another process for 30 seconds: nothing was changed. Run the command again when the other one has finished"
        case .notADatabase:
            "\(path) is not a reader library (not an SQLite database): nothing was changed. Choose the library file with --library"
        case .damaged:
            "the library \(path) is damaged (SQLite found its pages inconsistent). Restore a copy made with `reader backup`, or restore a JSON export into a new library: `reader --library NEW.sqlite import BACKUP.json`; `reader doctor` checks the file"
        case .cannotOpen:
            "cannot open the library \(path): check that its folder exists and that you may write to it"
        case .inputOutput:
            "the disk failed while reading or writing the library \(path): nothing was changed. Check the disk (`dmesg`), then run `reader doctor`"
        case .other(let code, let message):
            "the library \(path) failed: \(message) (SQLite code \(code)); nothing was changed. `reader doctor` checks the file"
        }
    }
}

/// The library's database, whose every SQLite failure becomes a
/// ``StorageError/database(path:problem:)`` naming the file.
struct LibraryDatabase: Sendable {
    let queue: DatabaseQueue
    let path: String

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try mapped { try queue.read(body) }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try mapped { try queue.write(body) }
    }

    func inTransaction(_ body: (Database) throws -> Database.TransactionCompletion) throws {
        try mapped { try queue.inTransaction(nil, body) }
    }

    func writeWithoutTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try mapped { try queue.writeWithoutTransaction(body) }
    }

    func backup(to target: DatabaseQueue) throws {
        try mapped { try queue.backup(to: target) }
    }

    func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StorageError.database(path: path, problem: DatabaseProblem(error))
        }
    }
}
