import Foundation
import GRDB
import Model

extension Library {
    /// Purges papers for good: their rows go and a tombstone stays, which every
    /// replica honours after its next sync. Their attachment records are purged
    /// with them (``purgeUnreferencedFiles()`` then removes the bytes); their notes
    /// and highlights are kept as orphans (``orphanNotes()``), to be purged one by
    /// one if wanted.
    ///
    /// ```swift
    /// try library.purge([paper.id])
    /// ```
    public func purge(_ paperIDs: [UUID]) throws {
        try write { writer in
            for id in paperIDs {
                try writer.purge(.paper, id: id.lowercased)
                let attachments = try String.fetchAll(writer.db, sql: "SELECT id FROM attachment WHERE paper_id = ?", arguments: [id.lowercased])
                for attachment in attachments { try writer.purge(.attachment, id: attachment) }
            }
        }
    }

    /// Removes the stored files, and their text, that no attachment record names
    /// any more (a trashed attachment still names its file: it can come back).
    /// Returns the hashes and sizes removed.
    @discardableResult
    public func purgeUnreferencedFiles() throws -> [FileHash: Int64] {
        let named = try read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM attachment WHERE sha256 IS NOT NULL").compactMap(FileHash.init)) }
        let inventory = files.inventory().files
        let unreferenced = inventory.filter { !named.contains($0.key) }
        for hash in unreferenced.keys { files.remove(hash) }
        let known = try localFiles().keys.filter { !named.contains($0) }
        try forgetFiles(Array(Set(known).union(unreferenced.keys)))
        let texts = try textStates().keys.filter { !named.contains($0) }
        try removeText(of: texts)
        return unreferenced
    }

    /// Purges a note for good.
    public func purgeNote(_ noteID: UUID) throws {
        try write { writer in try writer.purge(.note, id: noteID.lowercased) }
    }

    /// Purges a highlight for good.
    public func purgeHighlight(_ highlightID: UUID) throws {
        try write { writer in try writer.purge(.highlight, id: highlightID.lowercased) }
    }

    /// Notes whose paper was purged (or never arrived), oldest first.
    public func orphanNotes() throws -> [Note] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT n.id, n.paper_id, n.body, n.created_at, n.updated_at, n.trashed, n.conflict_of, n.title FROM note n
                WHERE NOT EXISTS (SELECT 1 FROM paper p WHERE p.id = n.paper_id) ORDER BY n.created_at, n.id
                """).map(Library.note(row:))
        }
    }

    /// Whether a record was purged.
    public func isPurged(_ entity: Entity, id: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tombstone WHERE entity = ? AND id = ?)", arguments: [entity.rawValue, id]) ?? false
        }
    }
}
