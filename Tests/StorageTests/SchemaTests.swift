import Foundation
import GRDB
import Model
import Testing
@testable import Storage

@Suite("Schema and library file")
struct SchemaTests {
    @Test func anEmptyFileBecomesALibraryInWALModeWithANodeID() throws {
        let temp = try TemporaryLibrary()
        let node = try temp.library.nodeID
        let (mode, tables) = try temp.library.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"))
        }
        #expect(mode == "wal")
        #expect(try temp.library.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
        for table in ["meta", "paper", "tag", "paper_tag", "note", "highlight", "outbox", "paper_fts", "paper_search_source"] {
            #expect(tables.contains(table), "missing \(table)")
        }
        // Reopening keeps the identity and does not migrate again.
        let again = try Library(path: temp.path)
        #expect(try again.nodeID == node)
    }

    @Test func theFolderIsCreatedOnFirstUse() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID().uuidString)/deep/er")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent().deletingLastPathComponent()) }
        _ = try Library(path: folder.appendingPathComponent("lib.sqlite").path)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("lib.sqlite").path))
    }

    @Test func aFileThatIsNotALibraryIsRefusedNamedAndLeftAlone() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-db-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = Data(String(repeating: "not sqlite ", count: 100).utf8)
        try text.write(to: URL(fileURLWithPath: path))
        #expect(throws: StorageError.notALibrary(path: path, what: "a text file")) { _ = try Library(path: path) }
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(throws: StorageError.notALibrary(path: path, what: "an empty file")) { _ = try Library(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty, "the file is left as it was")
    }

    @Test func everySQLiteFailureAUserCanCauseIsNamedInWordsWithoutSQL() {
        let cases: [(ResultCode, DatabaseProblem, String)] = [
            (.SQLITE_READONLY, .readOnly, "is read-only"), (.SQLITE_FULL, .diskFull, "is full"),
            (.SQLITE_BUSY, .locked, "stayed locked"), (.SQLITE_NOTADB, .notADatabase, "is not a reader library"),
            (.SQLITE_CORRUPT, .damaged, "is damaged"), (.SQLITE_CANTOPEN, .cannotOpen, "cannot open"),
            (.SQLITE_IOERR, .inputOutput, "the disk failed"),
        ]
        for (code, problem, words) in cases {
            let error = DatabaseError(resultCode: code, message: "raw", sql: "INSERT INTO tag VALUES (1)")
            #expect(DatabaseProblem(error) == problem)
            let text = StorageError.database(path: "/lib.sqlite", problem: DatabaseProblem(error)).description
            #expect(text.contains(words) && text.contains("/lib.sqlite") && !text.contains("INSERT"), "\(text)")
        }
    }
}
