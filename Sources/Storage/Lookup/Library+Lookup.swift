import Foundation
import GRDB
import Model

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
