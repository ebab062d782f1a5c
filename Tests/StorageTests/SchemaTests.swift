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

    @Test func aFileThatIsNotADatabaseGetsAClearError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-db-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(String(repeating: "not sqlite ", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try Library(path: path)
        } throws: { error in
            guard case StorageError.cannotOpen(let p, _) = error else { return false }
            return p == path
        }
    }
}
