import Foundation
import GRDB
import Model

extension Library {
    /// Adds a paper, or completes the one it matches (same arXiv id, DOI or
    /// normalized title): fields the library lacks are filled, nothing it has is
    /// changed. A matching paper in the trash is restored.
    @discardableResult
    public func add(_ draft: PaperDraft) throws -> AddOutcome {
        try write { writer in
            let outcome = try writer.add(draft)
            try writer.set(.paper, id: outcome.paperID.lowercased, ["trashed": .bool(false)])
            return outcome
        }
    }

    /// Imports drafts in one transaction: all are stored or none is.
    /// Drafts that match a paper in the library, or an earlier draft, merge into it.
    /// With `dryRun`, reports what the import would do and stores nothing.
    ///
    /// A draft of a paper that was purged is left out and reported
    /// (``ImportReport/purged``): a purge is for good on every machine.
    public func importPapers(_ drafts: [PaperDraft], dryRun: Bool = false) throws -> ImportReport {
        try write(dryRun: dryRun) { writer in
            var report = ImportReport()
            report.outcomes.reserveCapacity(drafts.count)
            for draft in drafts {
                let outcome: AddOutcome
                do {
                    outcome = try writer.add(draft)
                } catch StorageError.paperPurged(let title, let purgedAt) {
                    report.purged.append(PurgedPaper(title: title, purgedAt: purgedAt))
                    continue
                }
                switch outcome {
                case .added: report.added += 1
                case .merged: report.merged += 1
                case .unchanged: report.unchanged += 1
                }
                report.outcomes.append(outcome)
            }
            return report
        }
    }

    /// Sets a paper's reading status. Moving to `read` records the read date;
    /// a rating, when given, must be 1 to 5.
    ///
    /// Status, read date and rating belong together and are written together, with
    /// one clock: a read date and a rating belong to
    /// a paper that is read, and any other status clears them. Last writer wins per
    /// field then decides the whole group at once, so a paper marked read with a
    /// rating on one machine and dropped on another ends dropped with neither.
    public func setStatus(_ status: ReadingStatus, of paperID: UUID, rating: Int? = nil) throws {
        if let rating, !(1...5).contains(rating) {
            throw StorageError.invalidValue(field: "rating", reason: "\(rating) is not between 1 and 5")
        }
        if rating != nil, status != .read {
            throw StorageError.invalidValue(field: "rating", reason: "a rating goes with the status read (`reader done PAPER --rating N`), not \(status.rawValue)")
        }
        try write { writer in
            let id = paperID.lowercased
            let current = try writer.load(.paper, id: id)
            var values: [String: JSONValue] = ["status": .string(status.rawValue), "read_at": .null, "rating": .null]
            if status == .read {
                // Read again: the first read date and the rating stay unless a new rating is given.
                let wasRead = current?.values["status"]?.stringValue == ReadingStatus.read.rawValue
                let earlier = wasRead ? current?.values["read_at"].flatMap { $0 == .null ? nil : $0 } : nil
                values["read_at"] = earlier ?? .int(Int64(writer.wallMillis))
                values["rating"] = rating.map { .int(Int64($0)) } ?? (wasRead ? current?.values["rating"] ?? .null : .null)
            }
            try writer.set(.paper, id: id, values, stampingTogether: true)
        }
    }

    /// Marks a paper as read.
    public func markRead(_ paperID: UUID) throws { try setStatus(.read, of: paperID) }

    /// Adds and removes tags on a paper. Returns the paper's tags afterwards.
    @discardableResult
    public func tag(_ paperID: UUID, adding: [TagName] = [], removing: [TagName] = []) throws -> [TagName] {
        try write { writer in
            let paper = paperID.lowercased
            for name in adding {
                let tag = StableID.tag(name).lowercased
                try writer.set(.tag, id: tag, ["name": .string(name.value)])
                try writer.set(.paperTag, id: StableID.paperTag(paper: paperID, tag: StableID.tag(name)).lowercased,
                               ["paper_id": .string(paper), "tag_id": .string(tag), "present": .bool(true)])
            }
            for name in removing {
                let membership = StableID.paperTag(paper: paperID, tag: StableID.tag(name)).lowercased
                if try writer.load(.paperTag, id: membership) != nil {
                    try writer.set(.paperTag, id: membership, ["present": .bool(false)])
                }
            }
            return try Library.tagNames(writer.db, paper: paper)
        }
    }

    /// Moves papers to the trash; they can be restored.
    public func trash(_ paperIDs: [UUID]) throws {
        try write { writer in
            for id in paperIDs { try writer.set(.paper, id: id.lowercased, ["trashed": .bool(true)]) }
        }
    }

    /// Brings papers back from the trash.
    public func restore(_ paperIDs: [UUID]) throws {
        try write { writer in
            for id in paperIDs { try writer.set(.paper, id: id.lowercased, ["trashed": .bool(false)]) }
        }
    }

    /// Changes bibliographic fields of a paper (`title`, `abstract`, `url`, ...).
    public func update(_ paperID: UUID, _ values: [String: JSONValue]) throws {
        try write { writer in try writer.set(.paper, id: paperID.lowercased, values) }
    }
}

extension ChangeWriter {
    /// Adds a draft as a new paper or merges it into the paper it matches.
    ///
    /// A draft whose paper was purged is refused (``StorageError/paperPurged(title:purgedAt:)``)
    /// unless `reviving`: then it comes back under ``Model/StableID/revived(_:)`` of
    /// the purged id (and again, should that one be purged too).
    func add(_ draft: PaperDraft, reviving: Bool = false) throws -> AddOutcome {
        let values = draft.fieldValues
        var match = try matchingPaper(for: draft)
        var newID = draft.stableID
        if match == nil {
            while let purge = try purgeClock(.paper, id: newID.lowercased) {
                guard reviving else {
                    throw StorageError.paperPurged(title: draft.title, purgedAt: Date(timeIntervalSince1970: Double(purge.millis) / 1000))
                }
                newID = StableID.revived(newID)
            }
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM paper WHERE id = ?"), arguments: [newID.lowercased]) == true {
                match = newID.lowercased
            }
        }
        if let existing = match {
            let current = try load(.paper, id: existing)
            var missing: [String: JSONValue] = [:]
            for (name, value) in values where name != "source" && name != "cite_key" {
                let old = current?.values[name] ?? .null
                if old == .null || old == .string("") || old == .array([]) { missing[name] = value }
            }
            try set(.paper, id: existing, missing)
            if try assignCiteKey(to: existing, preferring: draft.citeKey, generating: false) { missing["cite_key"] = .null }
            let tagged = try addTags(draft.tags, to: existing)
            let uuid = UUID(uuidString: existing) ?? draft.stableID
            return missing.isEmpty && !tagged ? .unchanged(uuid) : .merged(uuid, fields: missing.keys.sorted() + (tagged ? ["tags"] : []))
        }
        var fields = values
        fields["added_at"] = .int(Int64(wallMillis))
        fields["status"] = .string(ReadingStatus.inbox.rawValue)
        fields["trashed"] = .bool(false)
        // The source's key is the user's: kept from the start. A generated one waits
        // for the first export (``Library/assignCiteKeys(papers:)``).
        if let key = try freeSourceKey(draft.citeKey) { fields["cite_key"] = .string(key) }
        let id = newID
        try set(.paper, id: id.lowercased, fields)
        _ = try addTags(draft.tags, to: id.lowercased)
        return .added(id)
    }

    private func addTags(_ tags: [TagName], to paper: String) throws -> Bool {
        guard let paperUUID = UUID(uuidString: paper) else { return false }
        var changed = false
        for name in tags {
            let tag = StableID.tag(name)
            try set(.tag, id: tag.lowercased, ["name": .string(name.value)])
            changed = try set(.paperTag, id: StableID.paperTag(paper: paperUUID, tag: tag).lowercased,
                              ["paper_id": .string(paper), "tag_id": .string(tag.lowercased), "present": .bool(true)]) || changed
        }
        return changed
    }

    /// The id of the paper a draft describes: same arXiv id, DOI, stable id or normalized title.
    func matchingPaper(for draft: PaperDraft) throws -> String? {
        if let arxiv = draft.arxiv,
           let id = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM paper WHERE arxiv_id = ? LIMIT 1"), arguments: [arxiv.id]) {
            return id
        }
        if let doi = draft.doi,
           let id = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM paper WHERE doi = ? LIMIT 1"), arguments: [doi.value]) {
            return id
        }
        let stable = draft.stableID.lowercased
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM paper WHERE id = ?"), arguments: [stable]) == true {
            return stable
        }
        let key = TextNormalization.matchKey(draft.title)
        if !key.isEmpty,
           let id = try String.fetchOne(db.cachedStatement(sql: """
               SELECT id FROM paper WHERE match_title = ?
               AND (arxiv_id IS NULL OR ?2 IS NULL OR arxiv_id = ?2) AND (doi IS NULL OR ?3 IS NULL OR doi = ?3)
               ORDER BY rowid LIMIT 1
               """), arguments: [key, draft.arxiv?.id, draft.doi?.value]) {
            return id
        }
        return nil
    }
}
