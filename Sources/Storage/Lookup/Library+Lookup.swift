import Foundation
import GRDB
import Model

/// What giving a paper the identity arXiv found for its title did.
public enum IdentifyOutcome: Hashable, Sendable {
    /// These fields were filled.
    case filled([String])
    /// Another paper of the library has that arXiv id already: nothing changed.
    case alreadyInLibrary(UUID)
}

/// A paper waiting for its metadata, with what went wrong last time.
public struct PendingLookup: Hashable, Sendable {
    /// The paper, as stored so far.
    public var paper: Paper
    /// How many lookups have failed.
    public var attempts: Int
    /// Why the last one failed.
    public var lastError: String?
}

extension Library {
    /// Adds a paper known only by an identifier and marks it for lookup, in one
    /// transaction: with no network, `reader add arxiv:…` keeps what it knows and
    /// `reader refresh` completes it later.
    ///
    /// A purged paper is refused unless `again`, which adds it back as a new paper
    /// (see ``Model/StableID/revived(_:)``).
    @discardableResult
    public func add(_ draft: PaperDraft, needingLookup: Bool, again: Bool = false) throws -> AddOutcome {
        try write { writer in
            let outcome = try writer.add(draft, reviving: again)
            try writer.set(.paper, id: outcome.paperID.lowercased, ["trashed": .bool(false)])
            if needingLookup {
                try writer.db.execute(sql: "INSERT OR IGNORE INTO lookup (paper_id, queued_at) VALUES (?, ?)",
                                      arguments: [outcome.paperID.lowercased, Int64(writer.wallMillis)])
            }
            return outcome
        }
    }

    /// The papers marked for lookup, oldest first.
    public func pendingLookups() throws -> [PendingLookup] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT paper_id, attempts, last_error FROM lookup ORDER BY queued_at, paper_id").compactMap { row in
                guard let paper = try Library.paper(db, id: row["paper_id"]) else { return nil }
                return PendingLookup(paper: paper, attempts: row["attempts"], lastError: row["last_error"])
            }
        }
    }

    /// Stores fetched metadata: fills the fields the paper lacks (nothing it has
    /// is changed, user data is not touched) and clears its lookup mark, in one
    /// transaction.
    @discardableResult
    public func completeLookup(of paperID: UUID, with draft: PaperDraft) throws -> AddOutcome {
        try write { writer in
            let outcome = try writer.add(draft)
            try writer.db.execute(sql: "DELETE FROM lookup WHERE paper_id IN (?, ?)", arguments: [paperID.lowercased, outcome.paperID.lowercased])
            return outcome
        }
    }

    /// Gives a paper found by its title the identifiers and the fields it lacks
    /// (arXiv id, authors, dates, categories, links), keeping every field it has and
    /// everything the user wrote, in one transaction. When another paper of the
    /// library already has that arXiv id, nothing is changed and that paper is
    /// returned (the two are one work: `reader duplicates merge`).
    public func identify(_ paperID: UUID, as draft: PaperDraft) throws -> IdentifyOutcome {
        try write { writer in
            if let arxiv = draft.arxiv,
               let other = try String.fetchOne(writer.db, sql: "SELECT id FROM paper WHERE arxiv_id = ? AND id <> ?", arguments: [arxiv.id, paperID.lowercased]) {
                return .alreadyInLibrary(UUID(parsing: other) ?? paperID)
            }
            let filled = try writer.fillMissing(paperID.lowercased, from: draft.fieldValues)
            try writer.db.execute(sql: "DELETE FROM lookup WHERE paper_id = ?", arguments: [paperID.lowercased])
            try Library.noteTitleLookup(writer.db, paperID, result: "identified", at: writer.wallMillis)
            return .filled(filled.keys.sorted())
        }
    }

    /// Records that a paper was looked up by its title and not identified (so that
    /// `reader refresh` does not ask again each time), with what came close.
    public func titleLookupFailed(_ paperID: UUID, result: String) throws {
        let now = wallClock()
        try dbQueue.write { db in try Library.noteTitleLookup(db, paperID, result: result, at: now) }
    }

    /// Papers with neither an arXiv id nor a DOI that were never looked up by title.
    public func papersToIdentify() throws -> [Paper] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Library.paperColumns) FROM paper p
                WHERE p.arxiv_id IS NULL AND p.doi IS NULL AND coalesce(p.trashed, 0) = 0 AND coalesce(p.title, '') <> ''
                  AND NOT EXISTS (SELECT 1 FROM title_lookup t WHERE t.paper_id = p.id)
                ORDER BY p.rowid
                """).map(Library.paper(row:))
        }
    }

    static func noteTitleLookup(_ db: Database, _ paperID: UUID, result: String, at millis: UInt64) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO title_lookup (paper_id, looked_up_at, result) VALUES (?, ?, ?)",
                       arguments: [paperID.lowercased, Int64(millis), result])
    }

    /// Records a failed lookup; the paper stays marked.
    public func lookupFailed(_ paperID: UUID, reason: String) throws {
        try write { writer in
            try writer.db.execute(sql: """
                INSERT INTO lookup (paper_id, queued_at, attempts, last_error) VALUES (?1, ?2, 1, ?3)
                ON CONFLICT(paper_id) DO UPDATE SET attempts = attempts + 1, last_error = ?3
                """, arguments: [paperID.lowercased, Int64(writer.wallMillis), reason])
        }
    }

    /// Reserves the next slot for a request to a rate-limited service and returns
    /// how long to wait before sending it.
    ///
    /// Slots are kept in the library, in a transaction, so that every `reader`
    /// process sharing the library keeps the service's limit together (arXiv asks
    /// for at most one request every 3 seconds).
    public func reserveRequestSlot(for service: String, every interval: Duration) throws -> Duration {
        let intervalMillis = UInt64(max(0, interval.components.seconds)) * 1000 + UInt64(max(0, interval.components.attoseconds / 1_000_000_000_000_000))
        return try write { writer in
            let key = "pace:" + service
            let now = writer.wallMillis
            let nextFree = try Schema.meta(writer.db, key).flatMap(UInt64.init) ?? 0
            // Callers queue behind each other; a queue of more than 100 requests
            // means the wall clock went back, not that 100 are waiting: start afresh.
            let slot = nextFree > now + 100 * max(intervalMillis, 1) ? now : max(now, nextFree)
            try Schema.setMeta(writer.db, key, String(slot + intervalMillis))
            return .milliseconds(Int64(slot - now))
        }
    }
}
