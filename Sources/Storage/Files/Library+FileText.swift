import Foundation
import GRDB
import Model

extension Library {
    /// Stores the text of a file, page by page, in the page index (replacing any
    /// earlier text of the same file), in one transaction. The text belongs to the
    /// bytes, not to this machine's copy: it stays when the file is evicted, so that
    /// search keeps finding the paper.
    public func storeText(of hash: FileHash, pages: [String], tool: String) throws {
        let now = Int64(wallClock())
        try dbQueue.write { db in
            try Library.removeText(db, of: hash)
            let insert = try db.cachedStatement(sql: "INSERT INTO file_page (sha256, page, text) VALUES (?, ?, ?)")
            let index = try db.cachedStatement(sql: "INSERT INTO page_fts (rowid, text) VALUES (?, ?)")
            var characters = 0
            for (number, text) in pages.enumerated() where !text.isEmpty {
                try insert.execute(arguments: [hash.hex, number + 1, text])
                try index.execute(arguments: [db.lastInsertedRowID, text])
                characters += text.count
            }
            try db.execute(sql: """
                INSERT OR REPLACE INTO file_text (sha256, pages, chars, tool, extracted_at, problem) VALUES (?, ?, ?, ?, ?, NULL)
                """, arguments: [hash.hex, pages.count, characters, tool, now])
        }
    }

    /// Records that a file's text could not be read, and why (kept, so that it is
    /// not tried at every run; `reader doctor --repair` tries again).
    public func noteTextProblem(of hash: FileHash, problem: String) throws {
        let now = Int64(wallClock())
        try dbQueue.write { db in
            try Library.removeText(db, of: hash)
            try db.execute(sql: "INSERT OR REPLACE INTO file_text (sha256, pages, chars, tool, extracted_at, problem) VALUES (?, 0, 0, NULL, ?, ?)",
                           arguments: [hash.hex, now, problem])
        }
    }

    /// What is known of each file's text: pages indexed, or why it could not be read.
    public func textStates() throws -> [FileHash: TextState] {
        try read { db in
            var states: [FileHash: TextState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT sha256, pages, chars, tool, problem FROM file_text") {
                guard let hash = FileHash(row["sha256"]) else { continue }
                states[hash] = Library.textState(row: row)
            }
            return states
        }
    }

    /// What became of one file's text; nil when it was never read.
    public func textState(of hash: FileHash) throws -> TextState? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT pages, chars, tool, problem FROM file_text WHERE sha256 = ?", arguments: [hash.hex])
                .map(Library.textState(row:))
        }
    }

    private static func textState(row: Row) -> TextState {
        TextState(pages: row["pages"], characters: row["chars"], tool: row["tool"], problem: row["problem"])
    }

    /// The text of a file's first `count` pages (empty strings for pages without text).
    public func pageTexts(of hash: FileHash, upTo count: Int) throws -> [String] {
        try read { db in
            var pages = [String](repeating: "", count: count)
            for row in try Row.fetchAll(db, sql: "SELECT page, text FROM file_page WHERE sha256 = ? AND page <= ? ORDER BY page", arguments: [hash.hex, count]) {
                let page: Int = row["page"]
                if page >= 1 { pages[page - 1] = row["text"] }
            }
            return pages
        }
    }

    /// Forgets the text of files no attachment names any more.
    public func removeText(of hashes: [FileHash]) throws {
        guard !hashes.isEmpty else { return }
        try dbQueue.write { db in
            for hash in hashes {
                try Library.removeText(db, of: hash)
                try db.execute(sql: "DELETE FROM file_text WHERE sha256 = ?", arguments: [hash.hex])
            }
        }
    }

    static func removeText(_ db: Database, of hash: FileHash) throws {
        let old = try Row.fetchAll(db.cachedStatement(sql: "SELECT rowid, text FROM file_page WHERE sha256 = ?"), arguments: [hash.hex])
        guard !old.isEmpty else { return }
        let remove = try db.cachedStatement(sql: "INSERT INTO page_fts (page_fts, rowid, text) VALUES ('delete', ?, ?)")
        for row in old { try remove.execute(arguments: [row["rowid"] as Int64, row["text"] as String]) }
        try db.execute(sql: "DELETE FROM file_page WHERE sha256 = ?", arguments: [hash.hex])
    }

    /// Whether the page index agrees with the pages it indexes.
    public func checkPageIndex() throws -> Bool {
        try dbQueue.write { db in try Library.indexMatchesContent(db, table: "page_fts") }
    }

    /// Rebuilds the page index from the stored pages.
    public func rebuildPageIndex() throws {
        try dbQueue.write { db in try db.execute(sql: "INSERT INTO page_fts (page_fts) VALUES ('rebuild')") }
    }
}

/// What is known of one file's text.
public struct TextState: Hashable, Sendable {
    /// Pages indexed.
    public var pages: Int
    /// Characters indexed.
    public var characters: Int
    /// The program that read it.
    public var tool: String?
    /// Why it could not be read, when it could not.
    public var problem: String?
}
