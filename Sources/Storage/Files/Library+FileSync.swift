import Foundation
import GRDB
import Model

extension Library {
    /// A file that waits to move between this machine and the sync server, with
    /// what a person needs to recognise it.
    public struct FileTransfer: Hashable, Sendable {
        /// The file's hash: its name on both sides.
        public var hash: FileHash
        /// Its size in bytes.
        public var size: Int64
        /// Its kind, as its attachment says.
        public var kind: Attachment.Kind
        /// The attachment's file name, if it has one.
        public var name: String?
        /// The title of a paper it belongs to.
        public var paperTitle: String

        /// Creates a value.
        public init(hash: FileHash, size: Int64, kind: Attachment.Kind, name: String? = nil, paperTitle: String) {
            self.hash = hash; self.size = size; self.kind = kind; self.name = name; self.paperTitle = paperTitle
        }
    }

    /// The files on this machine that an attachment names and that the sync server
    /// (its current epoch) is not known to hold, oldest first: what `reader sync`
    /// uploads (every such file, before the first sync).
    public func filesToUpload() throws -> [FileTransfer] {
        try read { db in
            let epoch = try Schema.meta(db, SyncMeta.epoch.rawValue)
            // One row per file, the oldest attachment's paper naming it.
            let rows = try Row.fetchAll(db, sql: """
                SELECT f.sha256, f.size, a.kind, a.name, a.paper_id
                FROM local_file f
                JOIN attachment a ON a.id = (
                    SELECT id FROM attachment WHERE sha256 = f.sha256 AND coalesce(trashed, 0) = 0 ORDER BY added_at, id LIMIT 1)
                WHERE ?1 IS NULL OR f.on_server IS NOT ?1
                ORDER BY f.stored_at, f.sha256
                """, arguments: [epoch])
            return try rows.compactMap { row in
                guard let hash = FileHash(row["sha256"] ?? "") else { return nil }
                return FileTransfer(hash: hash, size: row["size"], kind: (row["kind"] as String?).flatMap(Attachment.Kind.init(rawValue:)) ?? .other,
                                    name: row["name"], paperTitle: try Library.paper(db, id: row["paper_id"] ?? "")?.displayTitle ?? "")
            }
        }
    }

    /// The files that the papers this machine keeps (``papersKeptOffline()``) have
    /// attachments for and that are not here: what `reader sync` downloads.
    ///
    /// The attachments whose files are not here are found first, in one query, so
    /// that a sync with every file here does not evaluate the policy at all.
    public func filesToDownload() throws -> [FileTransfer] {
        let absent = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Library.attachmentColumns) FROM attachment
                WHERE coalesce(trashed, 0) = 0 AND sha256 IS NOT NULL
                  AND sha256 NOT IN (SELECT sha256 FROM local_file)
                ORDER BY added_at, id
                """).compactMap(Library.attachment(row:))
        }
        guard !absent.isEmpty else { return [] }
        let byPaper = Dictionary(grouping: absent, by: \.paperID)
        var seen = Set<FileHash>()
        var wanted: [FileTransfer] = []
        for paper in try papersKeptOffline() {
            for attachment in byPaper[paper.id] ?? [] where seen.insert(attachment.sha256).inserted {
                wanted.append(FileTransfer(hash: attachment.sha256, size: attachment.size, kind: attachment.kind,
                                           name: attachment.name, paperTitle: paper.displayTitle))
            }
        }
        return wanted
    }

    /// Records that the sync server (its current epoch) holds these files, which
    /// this machine has: they are not uploaded again, and the budget may evict them.
    public func noteOnServer(_ hashes: [FileHash]) throws {
        guard !hashes.isEmpty else { return }
        try dbQueue.write { db in
            guard let epoch = try Schema.meta(db, SyncMeta.epoch.rawValue) else { return }
            let statement = try db.cachedStatement(sql: "UPDATE local_file SET on_server = ? WHERE sha256 = ?")
            for hash in hashes { try statement.execute(arguments: [epoch, hash.hex]) }
        }
    }
}

extension Library {
    /// Records that a file downloaded from the sync server is here, held by the
    /// server (so that the budget may evict it again), in one transaction.
    public func noteDownloaded(_ file: FileStore.StoredFile) throws {
        let now = wallClock()
        try dbQueue.write { db in
            try Library.noteFilePresent(db, file.hash, size: file.size, origin: .fetched, at: now)
            if let epoch = try Schema.meta(db, SyncMeta.epoch.rawValue) {
                try db.execute(sql: "UPDATE local_file SET on_server = ? WHERE sha256 = ?", arguments: [epoch, file.hash.hex])
            }
        }
    }
}
