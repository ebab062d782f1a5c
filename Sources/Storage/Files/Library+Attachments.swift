import Foundation
import GRDB
import Model

extension Library {
    /// The library's file store, beside the library file (`<library>.files`).
    public var files: FileStore { FileStore(libraryPath: path) }

    /// How a file came to this machine, which decides whether it may be evicted.
    public enum FileOrigin: String, Sendable, CaseIterable {
        /// Downloaded from a URL: it can be downloaded again.
        case fetched
        /// Added by the user: perhaps the only copy anywhere, never evicted.
        case attached
    }

    /// Records that a stored file belongs to a paper, through the write path (an
    /// `attachment` record, stamped and queued for sync), and that the file is on
    /// this machine, in one transaction. The same bytes attached to the same paper
    /// again change nothing but the file's local origin.
    @discardableResult
    public func attach(_ file: FileStore.StoredFile, to paperID: UUID, name: String?, sourceURL: String?, origin: FileOrigin) throws -> Attachment {
        let id = StableID.attachment(paper: paperID, sha256: file.hash).lowercased
        try write { writer in
            let current = try writer.load(.attachment, id: id)
            if current == nil || current?.values["trashed"] == .bool(true) {
                var values: [String: JSONValue] = [
                    "paper_id": .string(paperID.lowercased), "sha256": .string(file.hash.hex), "size": .int(file.size),
                    "kind": .string(file.kind.rawValue), "added_at": .int(Int64(writer.wallMillis)), "trashed": .bool(false),
                ]
                if let name = name.flatMap(Attachment.displayName) { values["name"] = .string(name) }
                if let sourceURL, !sourceURL.isEmpty { values["source_url"] = .string(sourceURL) }
                try writer.set(.attachment, id: id, values)
            }
            try Library.noteFilePresent(writer.db, file.hash, size: file.size, origin: origin, at: writer.wallMillis)
        }
        return try read { db in try Library.attachment(db, id: id) }
    }

    /// Removes a file from its paper: the attachment record is trashed through the
    /// write path (stamped, synced: another machine follows by the record rules, last
    /// writer wins). The bytes stay here until `reader purge --files` and on the server
    /// until its garbage collection, so that attaching the same file again brings the
    /// record back.
    public func detach(_ attachment: Attachment) throws {
        try write { writer in
            try writer.set(.attachment, id: attachment.id.lowercased, ["trashed": .bool(true)])
        }
    }

    /// Records that a stored file is on this machine (local state), for a file found
    /// in the store that was not counted (`reader doctor --repair`).
    public func noteFilePresent(_ hash: FileHash, size: Int64, origin: FileOrigin) throws {
        let now = wallClock()
        try dbQueue.write { db in try Library.noteFilePresent(db, hash, size: size, origin: origin, at: now) }
    }

    /// Records that a stored file is on this machine (local state).
    static func noteFilePresent(_ db: Database, _ hash: FileHash, size: Int64, origin: FileOrigin, at millis: UInt64) throws {
        // An attached copy stays attached: fetching the same bytes later does not make it evictable.
        try db.execute(sql: """
            INSERT INTO local_file (sha256, size, origin, stored_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(sha256) DO UPDATE SET origin = CASE WHEN origin = 'attached' THEN origin ELSE excluded.origin END
            """, arguments: [hash.hex, size, origin.rawValue, Int64(millis)])
    }

    /// A paper's attachments (not in the trash), oldest first.
    public func attachments(of paperID: UUID) throws -> [Attachment] {
        try read { db in try Library.attachments(db, paper: paperID.lowercased) }
    }

    /// Every attachment not in the trash, by paper, oldest first.
    public func allAttachments() throws -> [Attachment] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Library.attachmentColumns) FROM attachment WHERE coalesce(trashed, 0) = 0 AND sha256 IS NOT NULL ORDER BY paper_id, added_at, id")
                .compactMap(Library.attachment(row:))
        }
    }

    /// The files this machine holds, by hash.
    public func localFiles() throws -> [FileHash: LocalFile] {
        try read { db in
            var files: [FileHash: LocalFile] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT sha256, size, origin, stored_at, opened_at, on_server FROM local_file") {
                if let file = Library.localFile(row: row) { files[file.hash] = file }
            }
            return files
        }
    }

    /// Those of `hashes` this machine holds, by hash (one look-up each: for a few papers' files).
    public func localFiles(_ hashes: [FileHash]) throws -> [FileHash: LocalFile] {
        try read { db in
            var files: [FileHash: LocalFile] = [:]
            for hash in hashes {
                let row = try Row.fetchOne(db, sql: "SELECT sha256, size, origin, stored_at, opened_at, on_server FROM local_file WHERE sha256 = ?", arguments: [hash.hex])
                if let file = row.flatMap(Library.localFile(row:)) { files[hash] = file }
            }
            return files
        }
    }

    private static func localFile(row: Row) -> LocalFile? {
        guard let hash = FileHash(row["sha256"]) else { return nil }
        return LocalFile(hash: hash, size: row["size"], origin: FileOrigin(rawValue: row["origin"]) ?? .attached,
                         storedAt: Library.date(row["stored_at"]) ?? Date(timeIntervalSince1970: 0),
                         openedAt: Library.date(row["opened_at"]), serverEpoch: row["on_server"])
    }

    /// Which of these papers have a file on this machine.
    public func papersWithFilesHere(_ paperIDs: [UUID]) throws -> Set<UUID> {
        guard !paperIDs.isEmpty else { return [] }
        return try read { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM local_file)") == true else { return [] }
            let wanted = Set(paperIDs.map(\.lowercased))
            return Set(try String.fetchAll(db, sql: """
                SELECT DISTINCT a.paper_id FROM attachment a JOIN local_file f ON f.sha256 = a.sha256 WHERE coalesce(a.trashed, 0) = 0
                """).filter(wanted.contains).compactMap(UUID.init(parsing:)))
        }
    }

    /// Records that a file was opened now (the budget keeps recently opened files).
    public func noteOpened(_ hash: FileHash) throws {
        let now = Int64(wallClock())
        try dbQueue.write { db in
            try db.execute(sql: "UPDATE local_file SET opened_at = ? WHERE sha256 = ?", arguments: [now, hash.hex])
        }
    }

    /// Forgets that files are on this machine (they were evicted, or found missing).
    public func forgetFiles(_ hashes: [FileHash]) throws {
        guard !hashes.isEmpty else { return }
        try dbQueue.write { db in
            for hash in hashes { try db.execute(sql: "DELETE FROM local_file WHERE sha256 = ?", arguments: [hash.hex]) }
        }
    }

    /// Pins papers: their files stay whatever the policy and budget say.
    public func pin(_ paperIDs: [UUID], _ pinned: Bool = true) throws {
        let now = Int64(wallClock())
        try dbQueue.write { db in
            for id in paperIDs {
                if pinned {
                    try db.execute(sql: "INSERT OR IGNORE INTO local_pin (paper_id, pinned_at) VALUES (?, ?)", arguments: [id.lowercased, now])
                } else {
                    try db.execute(sql: "DELETE FROM local_pin WHERE paper_id = ?", arguments: [id.lowercased])
                }
            }
        }
    }

    /// The pinned papers.
    public func pinnedPapers() throws -> Set<UUID> {
        try read { db in Set(try String.fetchAll(db, sql: "SELECT paper_id FROM local_pin").compactMap(UUID.init(parsing:))) }
    }

    static let attachmentColumns = "id, paper_id, sha256, size, kind, name, source_url, added_at, trashed"

    static func attachments(_ db: Database, paper: String) throws -> [Attachment] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(attachmentColumns) FROM attachment WHERE paper_id = ? AND coalesce(trashed, 0) = 0 ORDER BY added_at, id"),
                         arguments: [paper]).compactMap(attachment(row:))
    }

    static func attachment(_ db: Database, id: String) throws -> Attachment {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(attachmentColumns) FROM attachment WHERE id = ?", arguments: [id]),
              let attachment = attachment(row: row) else {
            throw StorageError.invalidRecord(entity: "attachment", id: id, reason: "it has no file hash")
        }
        return attachment
    }

    /// An attachment from its row; nil for a record without a valid hash (a partial
    /// record from a newer version), which names no file.
    static func attachment(row: Row) -> Attachment? {
        guard let hash = FileHash(row["sha256"] ?? "") else { return nil }
        return Attachment(id: UUID(parsing: row["id"]) ?? UUID(uuid: UUID_NULL_BYTES),
                          paperID: (row["paper_id"] as String?).flatMap(UUID.init(parsing:)) ?? UUID(uuid: UUID_NULL_BYTES),
                          sha256: hash, size: row["size"] ?? 0,
                          kind: (row["kind"] as String?).flatMap(Attachment.Kind.init(rawValue:)) ?? .other,
                          name: row["name"], sourceURL: row["source_url"],
                          addedAt: date(row["added_at"]) ?? Date(timeIntervalSince1970: 0),
                          isTrashed: (row["trashed"] as Int64?) == 1)
    }
}

/// A file on this machine (local state, never synced).
public struct LocalFile: Hashable, Sendable {
    /// Its hash.
    public var hash: FileHash
    /// Its size in bytes.
    public var size: Int64
    /// How it came here.
    public var origin: Library.FileOrigin
    /// When it entered the store.
    public var storedAt: Date
    /// When it was last opened, if ever.
    public var openedAt: Date?
    /// The epoch of the sync server known to hold it, if any (compare with
    /// ``SyncState/epoch``: another epoch is another or a restored server).
    public var serverEpoch: String?
}
