import Foundation
import GRDB
import Synchronization

/// Builds the search index of a library being filled by its first sync, on a second
/// connection and thread, while the pull goes on writing pages.
///
/// A first sync into an empty library leaves `paper_fts` alone (see
/// ``Library/rebuildSearchIndexIfDeferred()``): indexing every page as it arrives
/// is slower than indexing everything once. Once at the end, though, the index
/// costs seconds on one core (4.5 s of a 100,000-paper pull) while the other sits
/// idle. The builder indexes, in a scratch database beside the library, the papers
/// each committed page brings, and at the end copies the finished index into the
/// library in one transaction, which also clears the deferral.
///
/// Papers can change after they were indexed (a later page renames one or brings
/// its note; a purge removes it). While the index is deferred, the library notes
/// which papers that were already stored changed (`temp.search_pending`, see
/// ``Library/takeSearchIndexPending()``); ``finish()`` indexes those again from
/// their final text. The scratch index keeps its own copy of the text it indexed,
/// which is what FTS5 needs to take a paper's old terms out.
///
/// ```swift
/// let builder = try library.buildingSearchIndexAlongside()
/// for page in pages { try library.applyPulled(page, ...); builder?.catchUp() }
/// try builder?.finish()
/// ```
package final class SearchIndexBuilder: Sendable {
    private let library: Library
    private let scratch: DatabaseQueue
    private let scratchPath: String
    private let state = Mutex(State())
    /// Papers a catch-up waits for (see ``papersPerCatchUp``).
    private let catchUpSize: Int64

    private struct State {
        /// The highest paper rowid indexed.
        var indexedThrough: Int64 = 0
        /// Whether a catch-up is queued and not started (more are not queued).
        var catchUpQueued = false
        /// The first failure of a catch-up, thrown by ``finish()``.
        var failure: DatabaseError?
    }

    /// The scratch file of a library's builder.
    static func scratchPath(of library: Library) -> String { library.path + "-search-build" }

    init(library: Library, papersPerCatchUp: Int64) throws {
        self.library = library
        catchUpSize = papersPerCatchUp
        scratchPath = Self.scratchPath(of: library)
        Self.removeScratch(at: scratchPath)
        var configuration = Configuration()
        configuration.label = "reader.search-builder"
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            // Scratch: a crash loses it, and the library then rebuilds its index.
            try db.execute(sql: "PRAGMA main.journal_mode = OFF; PRAGMA main.synchronous = OFF")
        }
        scratch = try DatabaseQueue(path: scratchPath, configuration: configuration)
        try scratch.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS library", arguments: [library.path])
            // The library's `paper_fts` without its external content: the scratch
            // index stores the text it indexed (see the type's documentation).
            try db.execute(sql: """
                CREATE VIRTUAL TABLE paper_fts USING fts5(\(Schema.searchColumns), tokenize = '\(Schema.searchTokenizer)');
                INSERT INTO paper_fts(paper_fts, rank) VALUES ('hashsize', 33554432);
                """)
        }
    }

    /// Queues the indexing of the papers committed since the last catch-up, on the
    /// builder's own thread; returns at once. A catch-up already queued does for both.
    package func catchUp() {
        let queue = state.withLock { state in
            defer { state.catchUpQueued = true }
            return !state.catchUpQueued && state.failure == nil
        }
        guard queue else { return }
        scratch.asyncWriteWithoutTransaction { [self] db in
            state.withLock { $0.catchUpQueued = false }
            do {
                // DEFERRED: only the scratch file is written. (IMMEDIATE would take the
                // write lock of every attached file, the library's too, and stall the pull.)
                try db.inTransaction(.deferred) {
                    try indexNewPapers(db, atLeast: catchUpSize)
                    return .commit
                }
            } catch let error as DatabaseError {
                state.withLock { $0.failure = $0.failure ?? error }
            } catch {
                state.withLock { $0.failure = $0.failure ?? DatabaseError(message: "\(error)") }
            }
        }
    }

    /// Returns once the catch-up queued (if any) is done.
    func waitForCatchUp() {
        scratch.writeWithoutTransaction { _ in }
    }

    /// Indexes what is left and the papers that changed after they were indexed, then
    /// puts the index into the library and ends the deferral, in one transaction of
    /// the library; removes the scratch file. Waits for the catch-up under way.
    package func finish() throws {
        defer { Self.removeScratch(at: scratchPath) }
        let pending = try library.takeSearchIndexPending()
        try library.dbQueue.mapped {
            try scratch.writeWithoutTransaction { db in
                if let failure = state.withLock({ $0.failure }) { throw failure }
                // IMMEDIATE: the library's write lock from the start, so that the text
                // indexed is the text the library holds when the index replaces its own.
                try db.inTransaction(.immediate) {
                    try indexNewPapers(db, atLeast: 1)
                    try reindex(pending, db)
                    try db.execute(sql: """
                        DELETE FROM library.paper_fts_data;
                        DELETE FROM library.paper_fts_idx;
                        DELETE FROM library.paper_fts_docsize;
                        INSERT INTO library.paper_fts_data SELECT * FROM main.paper_fts_data;
                        INSERT INTO library.paper_fts_idx SELECT * FROM main.paper_fts_idx;
                        INSERT INTO library.paper_fts_docsize SELECT * FROM main.paper_fts_docsize;
                        """)
                    try db.execute(sql: "DELETE FROM library.meta WHERE key = ?", arguments: [Schema.searchIndexDeferredKey])
                    return .commit
                }
                try db.execute(sql: "DETACH DATABASE library")
            }
        }
    }

    /// Stops building: the library keeps its deferral (a later open rebuilds the index).
    package func discard() {
        // Waits for the catch-up under way, so that the file is not removed under it.
        try? scratch.writeWithoutTransaction { db in try db.execute(sql: "DETACH DATABASE library") }
        Self.removeScratch(at: scratchPath)
    }

    /// Papers indexed together, at least, before the end: each commit of the scratch
    /// index writes a segment, and many small segments cost merging, while the papers
    /// of the last catch-up are indexed after the last page. For a 100,000-paper pull,
    /// 4,096 made the pull slower (much merging), 16,384 left 1.3 s of indexing to the end.
    static let papersPerCatchUp: Int64 = 8_192

    /// Indexes the papers above the highest rowid indexed, up to the library's last
    /// paper in this transaction's snapshot of it, if they are at least `minimum`.
    private func indexNewPapers(_ db: Database, atLeast minimum: Int64) throws {
        let from = state.withLock { $0.indexedThrough }
        let through = try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM library.paper") ?? 0
        guard through - from >= minimum else { return }
        try db.execute(sql: """
            INSERT INTO paper_fts(rowid, \(Schema.searchColumns))
            SELECT rowid, \(Schema.searchColumns) FROM library.paper_search_source
            WHERE rowid > ? AND rowid <= ? ORDER BY rowid
            """, arguments: [from, through])
        state.withLock { $0.indexedThrough = through }
    }

    /// Takes out the terms of papers indexed with a text they no longer have, and
    /// indexes those that still exist with their text now.
    private func reindex(_ rowids: [Int64], _ db: Database) throws {
        guard !rowids.isEmpty else { return }
        try db.execute(sql: "CREATE TEMP TABLE reindex (paper_rowid INTEGER PRIMARY KEY)")
        let add = try db.makeStatement(sql: "INSERT INTO temp.reindex VALUES (?)")
        for rowid in rowids { try add.execute(arguments: [rowid]) }
        try db.execute(sql: """
            DELETE FROM paper_fts WHERE rowid IN (SELECT paper_rowid FROM temp.reindex);
            INSERT INTO paper_fts(rowid, \(Schema.searchColumns))
            SELECT rowid, \(Schema.searchColumns) FROM library.paper_search_source
            WHERE rowid IN (SELECT paper_rowid FROM temp.reindex) ORDER BY rowid;
            DROP TABLE temp.reindex;
            """)
    }

    static func removeScratch(at path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

extension Library {
    /// A builder of the search index beside a first sync that defers it, or nil for
    /// a library that is not a file (it rebuilds its index at the end instead).
    package func buildingSearchIndexAlongside(papersPerCatchUp: Int64 = SearchIndexBuilder.papersPerCatchUp) throws -> SearchIndexBuilder? {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return nil }
        return try dbQueue.mapped { try SearchIndexBuilder(library: self, papersPerCatchUp: papersPerCatchUp) }
    }

    /// Ends a deferred search index: puts in place the index `builder` built, or, without
    /// one or if it failed, rebuilds the index (see ``rebuildSearchIndexIfDeferred()``).
    package func finishSearchIndex(builtBy builder: SearchIndexBuilder?) throws {
        if let builder {
            do {
                return try builder.finish()
            } catch {
                builder.discard()
            }
        }
        try rebuildSearchIndexIfDeferred()
    }

    /// The rowids of papers, already stored, whose search text changed while the index
    /// was deferred; forgets them.
    func takeSearchIndexPending() throws -> [Int64] {
        try dbQueue.writeWithoutTransaction { db in
            guard try db.tableExists("search_pending", in: "temp") else { return [] }
            let rowids = try Int64.fetchAll(db, sql: "SELECT paper_rowid FROM temp.search_pending")
            try db.execute(sql: "DROP TABLE temp.search_pending")
            return rowids
        }
    }
}
