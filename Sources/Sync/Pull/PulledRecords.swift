import SyncWire

/// Pulled changes grouped by record, ready to apply. Grouping can happen on
/// another thread than the one that writes (the sync engine does it while the
/// previous pages are stored).
package struct PulledRecords: Sendable {
    /// The changes of one record, in the order received.
    struct Group: Sendable {
        var entity: String
        var id: String
        var changes: [PulledChange]
    }

    var groups: [Group] = []
    /// How many changes there are.
    package private(set) var changeCount = 0

    /// Groups changes by record: consecutive changes of one record form one group
    /// (a page lists together the fields one push wrote of a record). A record met
    /// again later forms another group, which merges the same way.
    package init(_ changes: some Sequence<PulledChange>) {
        for change in changes {
            changeCount += 1
            if let last = groups.indices.last, groups[last].id == change.id, groups[last].entity == change.entity {
                groups[last].changes.append(change)
            } else {
                groups.append(Group(entity: change.entity, id: change.id, changes: [change]))
            }
        }
    }
}
