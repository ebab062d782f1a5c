import Model
import Storage
import SyncWire

/// The client's pull decisions: which pulled value each field keeps.
extension Library {
    /// Applies pulled changes and stores the cursor, in one transaction: pages that
    /// fail to apply change nothing, not even the cursor.
    ///
    /// Plain fields merge by last writer wins; a purge deletes the record for good;
    /// text fields follow ``Model/FieldRules/textPull(rev:base:localEditWaiting:)``;
    /// fields and records of kinds this version does not know are kept as they are.
    ///
    /// - Parameter deferringSearchIndex: leave the search index alone, to be rebuilt
    ///   in one statement by ``Storage/Library/rebuildSearchIndexIfDeferred()`` once the last
    ///   page is in (a first sync: indexing 100,000 papers at once is cheaper than
    ///   page by page, where every note that arrives indexes its paper again). Until
    ///   then the library notes that the index is to be rebuilt, and opening it does so.
    @discardableResult
    package func applyPulled(_ changes: [PulledChange], cursor: Int64, epoch: String, deferringSearchIndex: Bool = false) throws -> PullReport {
        try applyPulled(PulledRecords(changes), cursor: cursor, epoch: epoch, deferringSearchIndex: deferringSearchIndex)
    }

    /// Applies pulled changes already grouped by record (see ``applyPulled(_:cursor:epoch:deferringSearchIndex:)``).
    @discardableResult
    package func applyPulled(_ records: PulledRecords, cursor: Int64, epoch: String, deferringSearchIndex: Bool = false) throws -> PullReport {
        try syncTransaction { tx in
            if deferringSearchIndex { try tx.deferSearchIndex() }
            tx.queueing = false
            tx.requeueLosing = try tx.meta(.resyncing) == "1"
            defer { tx.queueing = true; tx.requeueLosing = false }
            var report = PullReport()
            report.received = records.changeCount
            for (index, group) in records.groups.enumerated() {
                if index == records.groups.count / 2 { try tx.pass(.midPageApply) }
                try apply(group, in: tx, report: &report)
            }
            try tx.pass(.afterApplyBeforeCursor)
            try tx.setMeta(.cursor, String(cursor))
            try tx.setMeta(.epoch, epoch)
            return report
        }
    }

    /// Applies the changes of one record.
    private func apply(_ group: PulledRecords.Group, in tx: SyncTransaction, report: inout PullReport) throws {
        guard let entity = Entity(rawValue: group.entity) else {
            for change in group.changes { try tx.mergeForeign(entity: change.entity, id: change.id, field: change.field, Stamped(change.value, at: change.hlc)) }
            return
        }
        var fields: [String: Stamped] = [:]
        // A page holds one value per field, but pages applied together may hold a
        // field twice: the later text revision, or else the later clock, wins.
        var texts: [String: (rev: Int64, value: JSONValue)] = [:]
        var pending: Set<String>?
        for change in group.changes {
            if change.field != Entity.purgedField, entity.field(named: change.field) == nil {
                try tx.mergeForeign(entity: change.entity, id: change.id, field: change.field, Stamped(change.value, at: change.hlc))
                continue
            }
            if entity.isMergedText(change.field) {
                if pending == nil { pending = try tx.pendingFields(entity, id: group.id) }
                let rev = change.rev ?? 0
                switch FieldRules.textPull(rev: rev, base: try tx.textBase(entity, id: group.id, field: change.field)?.rev,
                                           localEditWaiting: pending?.contains(change.field) == true) {
                case .keepLocalEdit:
                    tx.receive(change.hlc)
                    report.heldForRebase += 1
                    continue
                case .ignoreOlder:
                    tx.receive(change.hlc)
                    continue
                case .take:
                    if let held = texts[change.field], held.rev >= rev { continue }
                    texts[change.field] = (rev, change.value)
                }
            } else if let held = fields[change.field], FieldRules.lastWriterWins(stored: held, incoming: Stamped(change.value, at: change.hlc)) != .takeIncoming {
                continue
            }
            fields[change.field] = Stamped(change.value, at: change.hlc)
        }
        guard !fields.isEmpty else { return }
        switch try tx.merge(SyncRecord(entity: entity, id: group.id, fields: fields), overriding: Set(texts.keys)) {
        case .created: report.created += 1
        case .updated(let names): if names == [Entity.purgedField] { report.purged += 1 } else { report.updated += 1 }
        case .unchanged: break
        }
        if try tx.purgeClock(entity, id: group.id) == nil {
            for (field, text) in texts {
                try tx.setTextBase(entity, id: group.id, field: field, rev: text.rev, text: text.value)
            }
        }
    }
}
