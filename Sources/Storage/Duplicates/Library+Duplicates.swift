import Foundation
import GRDB
import Model

extension Library {
    /// Papers in the reading list that may be one work, in groups: the same title
    /// (``Model/TextNormalization/matchKey(_:)``), the same DOI or the same arXiv id.
    /// Imports keep same-titled papers apart when their first author, year or key
    /// differ (``Model/WorkMatch``); this is where a user sees them side by side.
    public func duplicateGroups() throws -> [DuplicateGroup] {
        try read { db in
            var groups: [DuplicateGroup] = []
            var seen: Set<[UUID]> = []
            // DOIs are compared without case (stored as written).
            for (shared, column, collation) in [(DuplicateGroup.Shared.doi, "doi", " COLLATE NOCASE"), (.arxiv, "arxiv_id", ""), (.title, "match_title", "")] {
                let values = try String.fetchAll(db, sql: """
                    SELECT \(column) FROM paper WHERE \(column) IS NOT NULL AND \(column) <> '' AND coalesce(trashed, 0) = 0
                    GROUP BY \(column)\(collation) HAVING count(*) > 1 ORDER BY min(added_at), \(column)\(collation)
                    """)
                for value in values {
                    let papers = try Row.fetchAll(db, sql: """
                        SELECT \(Library.paperColumns) FROM paper p WHERE p.\(column) = ?\(collation) AND coalesce(p.trashed, 0) = 0
                        ORDER BY p.added_at, p.rowid
                        """, arguments: [value]).map(Library.paper(row:))
                    guard seen.insert(papers.map(\.id)).inserted else { continue }
                    groups.append(DuplicateGroup(shared: shared, papers: papers))
                }
            }
            return groups
        }
    }

    /// Merges papers into another deliberately, all in one transaction: `keep`
    /// gains the fields it lacks, the others' tags, notes and highlights, a reading
    /// state when `keep` is still in the inbox, and their citation keys and aliases
    /// as aliases (so that every `\cite` of them still finds the paper); then the
    /// others are purged, on every machine after its next sync.
    ///
    /// ```swift
    /// try library.mergePapers([reprint.id], into: original.id)
    /// ```
    public func mergePapers(_ others: [UUID], into keep: UUID) throws {
        guard !others.contains(keep) else {
            throw StorageError.invalidValue(field: "paper", reason: "a paper cannot be merged into itself")
        }
        try write { writer in
            for other in others { try writer.merge(paper: other, into: keep) }
        }
    }
}

extension ChangeWriter {
    /// One paper of ``Library/mergePapers(_:into:)``.
    func merge(paper other: UUID, into keep: UUID) throws {
        let keepID = keep.lowercased, otherID = other.lowercased
        guard let kept = try load(.paper, id: keepID) else { throw StorageError.paperNotFound(reference: keepID) }
        guard let absorbed = try load(.paper, id: otherID) else { throw StorageError.paperNotFound(reference: otherID) }
        // Bibliographic fields the kept paper lacks.
        let own: Set<String> = ["cite_key", "cite_aliases", "source", "added_at", "status", "read_at", "rating", "trashed"]
        var missing: [String: JSONValue] = [:]
        for (name, value) in absorbed.values where !own.contains(name) && !value.isBlank {
            if kept.values[name]?.isBlank ?? true { missing[name] = value }
        }
        try set(.paper, id: keepID, missing)
        // The reading state, as a group, when the kept paper is still unread.
        let keptStatus = kept.values["status"]?.stringValue ?? ReadingStatus.inbox.rawValue
        if keptStatus == ReadingStatus.inbox.rawValue, let status = absorbed.values["status"], status != kept.values["status"] {
            try set(.paper, id: keepID, ["status": status, "read_at": absorbed.values["read_at"] ?? .null,
                                                "rating": absorbed.values["rating"] ?? .null], stampingTogether: true)
        }
        // Tags, notes and highlights move over.
        for tagID in try String.fetchAll(db, sql: "SELECT tag_id FROM paper_tag WHERE paper_id = ? AND present = 1", arguments: [otherID]) {
            guard let tag = UUID(parsing: tagID) else { continue }
            try set(.paperTag, id: StableID.paperTag(paper: keep, tag: tag).lowercased,
                           ["paper_id": .string(keepID), "tag_id": .string(tagID), "present": .bool(true)])
        }
        for entity in [Entity.note, .highlight] {
            for id in try String.fetchAll(db, sql: "SELECT id FROM \(entity.table) WHERE paper_id = ?", arguments: [otherID]) {
                try set(entity, id: id, ["paper_id": .string(keepID)])
            }
        }
        try purge(.paper, id: otherID)
        // Its keys last, once the purge has freed them.
        let keys = [absorbed.values["cite_key"]?.stringValue].compactMap { $0 }
            + (absorbed.values["cite_aliases"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for key in keys where try !assignCiteKey(to: keepID, preferring: key, generating: false) {
            try addCiteAlias(key, to: keepID)
        }
    }
}
