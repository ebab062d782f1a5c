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
        try importPapers(dryRun: dryRun) { add in
            for draft in drafts { try add(draft) }
        }
    }

    /// Imports the drafts `produce` hands over, in one transaction, as they come:
    /// a file is stored while it is read, and no import holds every draft. An error
    /// thrown by `produce` (a bad record further on) rolls everything back.
    ///
    /// ```swift
    /// let report = try library.importPapers { add in
    ///     try format.forEachDraft(in: data, file: name, problems: problems, add)
    /// }
    /// ```
    public func importPapers(dryRun: Bool = false, _ produce: (_ add: (PaperDraft) throws -> Void) throws -> Void) throws -> ImportReport {
        try write(dryRun: dryRun) { writer in
            var report = ImportReport()
            let session = ImportSession()
            try produce { draft in
                let outcome: AddOutcome
                do {
                    outcome = try writer.add(draft, session: session)
                } catch StorageError.paperPurged(let title, let purgedAt) {
                    report.purged.append(PurgedPaper(title: title, purgedAt: purgedAt))
                    return
                }
                switch outcome {
                case .added: report.added += 1
                case .merged: report.merged += 1
                case .unchanged: report.unchanged += 1
                }
                report.outcomes.append(outcome)
            }
            report.nearMatches = session.nearMatches
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
    ///
    /// With `clearingRating`, a paper read again loses its rating (the reading room's
    /// "no rating"), in the same write.
    public func setStatus(_ status: ReadingStatus, of paperID: UUID, rating: Int? = nil, clearingRating: Bool = false) throws {
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
                values["rating"] = rating.map { .int(Int64($0)) } ?? (wasRead && !clearingRating ? current?.values["rating"] ?? .null : .null)
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
    /// Adds a draft as a new paper or merges it into the paper it is (``WorkMatch``).
    ///
    /// A draft whose paper was purged is refused (``StorageError/paperPurged(title:purgedAt:)``)
    /// unless `reviving`: then it comes back under ``Model/StableID/revived(_:)`` of
    /// the purged id (and again, should that one be purged too). A draft whose
    /// title-derived id already belongs to another work gets
    /// ``Model/StableID/paper(distinctFrom:year:citeKey:attempt:)``.
    ///
    /// - Parameter session: the import the draft belongs to, which remembers the key
    ///   each paper got from this file and collects the near matches.
    func add(_ draft: PaperDraft, reviving: Bool = false, session: ImportSession = ImportSession()) throws -> AddOutcome {
        let values = draft.fieldValues
        let match = try matchingPaper(for: draft, session: session)
        var newID = draft.stableID
        if match == nil {
            var attempt = 0
            while true {
                if let purge = try purgeClock(.paper, id: newID.lowercased) {
                    guard reviving else {
                        throw StorageError.paperPurged(title: draft.title, purgedAt: Date(timeIntervalSince1970: Double(purge.millis) / 1000))
                    }
                    newID = StableID.revived(newID)
                } else if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM paper WHERE id = ?"), arguments: [newID.lowercased]) == true {
                    // Another work has this id (it was compared above and is not this one).
                    attempt += 1
                    newID = StableID.paper(distinctFrom: draft.stableID, year: draft.year, citeKey: draft.citeKey, attempt: attempt)
                } else {
                    break
                }
            }
        }
        if let existing = match {
            var missing = try fillMissing(existing, from: values)
            if try assignCiteKey(to: existing, preferring: draft.citeKey, generating: false) { missing["cite_key"] = .null }
            if try addCiteAlias(draft.citeKey, to: existing) { missing["cite_aliases"] = .null }
            let tagged = try addTags(draft.tags, to: existing, session: session)
            session.keys[existing] = .some(draft.citeKey)
            let uuid = UUID(parsing: existing) ?? draft.stableID
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
        // The loop above found no paper and no purge with this id.
        try set(.paper, id: id.lowercased, fields, knownNew: true)
        _ = try addTags(draft.tags, to: id.lowercased, session: session)
        session.keys[id.lowercased] = .some(draft.citeKey)
        return .added(id)
    }

    /// Sets the fields a paper lacks (blank or absent) from `values`, never one it
    /// has, nor its source or key: the one rule of completing a paper, for a merge
    /// and for a lookup. Returns what was set.
    func fillMissing(_ paper: String, from values: [String: JSONValue]) throws -> [String: JSONValue] {
        let current = try load(.paper, id: paper)
        var missing: [String: JSONValue] = [:]
        for (name, value) in values where name != "source" && name != "cite_key" {
            if current?.values[name]?.isBlank ?? true { missing[name] = value }
        }
        try set(.paper, id: paper, missing)
        return missing
    }

    private func addTags(_ tags: [TagName], to paper: String, session: ImportSession) throws -> Bool {
        guard let paperUUID = UUID(parsing: paper) else { return false }
        var changed = false
        for name in tags {
            let tag = StableID.tag(name)
            if session.tagsSet[tag.lowercased] != name.value {
                try set(.tag, id: tag.lowercased, ["name": .string(name.value)])
                session.tagsSet[tag.lowercased] = name.value
            }
            changed = try set(.paperTag, id: StableID.paperTag(paper: paperUUID, tag: tag).lowercased,
                              ["paper_id": .string(paper), "tag_id": .string(tag.lowercased), "present": .bool(true)]) || changed
        }
        return changed
    }

    /// The id of the paper a draft describes: the same arXiv id or DOI; the paper
    /// that has the draft's key as an alias; the draft's identifier-derived id; else
    /// the first paper with the same title that ``WorkMatch`` calls the same work.
    /// Papers with the same title that are other works are added to the session's
    /// near matches.
    func matchingPaper(for draft: PaperDraft, session: ImportSession) throws -> String? {
        if let arxiv = draft.arxiv,
           let id = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM paper WHERE arxiv_id = ? LIMIT 1"), arguments: [arxiv.id]) {
            return id
        }
        if let doi = draft.doi,
           let id = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM paper WHERE doi = ? COLLATE NOCASE LIMIT 1"), arguments: [doi.value]) {
            return id
        }
        let stable = draft.stableID.lowercased
        if draft.arxiv != nil || draft.doi != nil,
           try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM paper WHERE id = ?"), arguments: [stable]) == true {
            return stable
        }
        let facts = draft.workFacts
        if let key = draft.citeKey, CiteKey.isUsable(key) {
            // A key merged into a paper deliberately (`reader duplicates merge`) or by an
            // earlier import still finds that paper, as long as it is the same title.
            for row in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(Self.workColumns) FROM paper INDEXED BY paper_with_cite_aliases
                WHERE cite_aliases IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(cite_aliases) WHERE value = ? COLLATE NOCASE)
                """), arguments: [key]) where WorkMatch(facts, Self.workFacts(row)) != .distinct {
                return row["id"]
            }
        }
        // The same title (an untitled entry: the same key), the paper with the draft's
        // key first, so that entries told apart only by their keys find their own
        // papers again, in any order.
        let sameTitle = facts.titleKey.isEmpty ? "cite_key = ?3 COLLATE NOCASE" : "match_title = ?2"
        let candidates = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.workColumns) FROM paper WHERE id = ?1 OR \(sameTitle)
            ORDER BY coalesce(cite_key = ?3 COLLATE NOCASE, 0) DESC, id = ?1 DESC, rowid
            """), arguments: [stable, facts.titleKey, draft.citeKey])
        var near: [NearMatch] = []
        for row in candidates {
            let id: String = row["id"]
            var existing = Self.workFacts(row)
            let fileKey = session.keys[id]
            if let fileKey { existing.citeKey = fileKey }
            switch WorkMatch(facts, existing, sameFile: fileKey != nil) {
            case .same: return id
            case .near(let differences):
                near.append(NearMatch(
                    title: draft.title, line: draft.line, citeKey: draft.citeKey,
                    paperID: UUID(parsing: id) ?? draft.stableID, paperTitle: row["title"] ?? "", paperCiteKey: row["cite_key"],
                    differences: differences))
            case .distinct: continue
            }
        }
        session.nearMatches += near
        return nil
    }

    /// Adds `key` to the paper's aliases unless it is the paper's key, one of its
    /// aliases already, or another paper's key. Returns whether it was added.
    @discardableResult
    func addCiteAlias(_ key: String?, to paperID: String) throws -> Bool {
        guard let key, CiteKey.isUsable(key), let current = try load(.paper, id: paperID) else { return false }
        if current.values["cite_key"]?.stringValue?.lowercased() == key.lowercased() { return false }
        let aliases = current.values["cite_aliases"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if aliases.contains(where: { $0.lowercased() == key.lowercased() }) { return false }
        if try Self.isCiteKeyTaken(db, key) { return false }
        return try set(.paper, id: paperID, ["cite_aliases": .array((aliases + [key]).map(JSONValue.string))])
    }

    /// The columns ``workFacts(_:)`` reads.
    static let workColumns = "id, title, authors, year, arxiv_id, doi, cite_key"

    /// What ``WorkMatch`` compares of a stored paper, from a row of ``workColumns``.
    static func workFacts(_ row: Row) -> WorkFacts {
        let authors = (row["authors"] as String?).flatMap { try? JSONValue(parsing: $0) }?.arrayValue?.compactMap(\.stringValue) ?? []
        return WorkFacts(title: row["title"] ?? "", authors: authors, year: row["year"],
                         arxiv: row["arxiv_id"], doi: row["doi"], citeKey: row["cite_key"])
    }
}
