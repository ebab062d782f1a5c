import Foundation
import GRDB
import Model

extension Library {
    /// Purges papers for good: their rows go and a tombstone stays, which every
    /// replica honours after its next sync. Their notes and highlights are kept as
    /// orphans (``orphanNotes()``), to be purged one by one if wanted.
    ///
    /// ```swift
    /// try library.purge([paper.id])
    /// ```
    public func purge(_ paperIDs: [UUID]) throws {
        try write { writer in
            for id in paperIDs { try writer.purge(.paper, id: id.lowercased) }
        }
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
