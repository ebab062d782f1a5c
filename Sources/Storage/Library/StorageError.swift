import Foundation
import Model

/// What can go wrong in the library, with what the user needs to fix it.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database file could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// An existing file that is not a reader library; it is left as it is.
    case notALibrary(path: String, what: String)
    /// SQLite failed on the library file, in words (``DatabaseProblem``).
    case database(path: String, problem: DatabaseProblem)
    /// No paper matches the reference.
    case paperNotFound(reference: String)
    /// The reference fits one paper, which is in the trash.
    case paperInTrash(reference: String, title: String)
    /// The reference fits one paper, which is not in the trash (restore, purge).
    case paperNotInTrash(reference: String, title: String)
    /// Several papers match the reference; the first candidates (up to 51) are listed.
    case ambiguousReference(reference: String, candidates: [PaperSummary])
    /// No note or highlight (not removed) has this id, id prefix or id end.
    case recordNotFound(kind: String, reference: String)
    /// Several notes or highlights start with this id prefix.
    case ambiguousRecord(kind: String, reference: String, count: Int)
    /// A value that the library cannot store.
    case invalidValue(field: String, reason: String)
    /// A backup or record set that cannot be applied.
    case invalidRecord(entity: String, id: String, reason: String)
    /// The paper was purged (on this machine or another); a purge is for good, and
    /// the paper can only come back as a new record, deliberately.
    case paperPurged(title: String, purgedAt: Date)
    /// This machine's clock is before 2000-01-01: nothing can be stamped with it.
    case clockBeforeYear2000(wallMillis: UInt64)
    /// The backup target exists already.
    case backupTargetExists(path: String)

    /// A day as `2026-11-30`, in UTC.
    public static func day(_ date: Date) -> String {
        String(ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC") ?? .current, formatOptions: [.withFullDate]))
    }

    /// A reference as the user can type it again in a shell.
    public static func shellWord(_ text: String) -> String {
        text.allSatisfy({ $0.isLetter || $0.isNumber || "-_.:/".contains($0) }) ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The text form.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the library at \(path): \(reason)"
        case .notALibrary(let path, let what):
            "\(path) is \(what), not a reader library; it was left as it is. Give the library's file with --library, or a new file name to start a new library"
        case .database(let path, let problem):
            problem.describe(path: path)
        case .paperNotFound(let reference):
            "no paper matches '\(reference)'; try `reader search \(reference)` or `reader list`"
        case .paperInTrash(let reference, let title):
            "'\(reference)' is in the trash (\(title)); `reader restore \(Self.shellWord(reference))` brings it back"
        case .paperNotInTrash(let reference, let title):
            "'\(reference)' is not in the trash (\(title))"
        case .ambiguousReference(let reference, let candidates):
            "'\(reference)' matches \(candidates.count > 50 ? "more than 50" : String(candidates.count)) papers; use more of the title, an id prefix, an arXiv id or a DOI:\n"
                + candidates.prefix(10).map { "  \($0.shortID)  \($0.title)" }.joined(separator: "\n")
                + (candidates.count > 10 ? "\n  …" : "")
        case .recordNotFound(let kind, let reference):
            "no \(kind) matches '\(reference)'; `reader \(kind) list` shows them"
        case .ambiguousRecord(let kind, let reference, let count):
            "'\(reference)' matches \(count) \(kind)s; give more characters of the id"
        case .invalidValue(let field, let reason):
            "invalid \(field): \(reason)"
        case .invalidRecord(let entity, let id, let reason):
            "cannot apply \(entity) \(id): \(reason)"
        case .paperPurged(let title, let purgedAt):
            "\(title.isEmpty ? "this paper" : "'\(title)'") was purged on \(Self.day(purgedAt)); a purge is for good, so it can only come back as a new paper: `reader add … --again`"
        case .clockBeforeYear2000(let wallMillis):
            "this machine's clock says \(Self.day(Date(timeIntervalSince1970: Double(wallMillis) / 1000))), before 2000: an edit stamped with it could never sync, so nothing was changed. Set the system clock (`timedatectl set-ntp true`, or `date -s`), then try again"
        case .backupTargetExists(let path):
            "\(path) exists already; choose a new file name or remove it first"
        }
    }
}
