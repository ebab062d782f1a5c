import Model

/// Where a library syncs to, as `reader remote set` stored it.
public struct SyncRemote: Hashable, Sendable {
    /// The library's URL on the server: `http://host:port/v1/libraries/NAME`.
    public var url: String
    /// The device token (`READER_TOKEN` overrides it).
    public var token: String?

    /// Creates a value from its fields.
    public init(url: String, token: String?) { self.url = url; self.token = token }
}

/// A library's sync bookkeeping (local, never synced): what `reader sync status` shows.
public struct SyncState: Hashable, Sendable {
    /// The remote, when one is set.
    public var remote: SyncRemote?
    /// The server `seq` up to which every change has been pulled and applied.
    public var cursor: Int64
    /// The server epoch seen last (nil before the first sync).
    public var epoch: String?
    /// This copy's node id.
    public var node: NodeID
    /// The last `nseq` given to a change of this node, and the last one the server acknowledged.
    public var lastNseq: Int64, ackedNseq: Int64
    /// When a sync last finished, in Unix milliseconds.
    public var lastSyncMillis: Int64?
    /// The server's clock minus this machine's, in milliseconds, as last measured.
    public var clockOffsetMillis: Int64
    /// The id kept in the database and beside it, to notice a copied or restored file.
    public var instanceID: String?
    /// Whether a restored copy is resyncing (queueing local fields that beat the server's).
    public var isResyncing: Bool
    /// The fields waiting to be sent.
    public var pendingFields: Int
    /// The records those fields belong to.
    public var pendingRecords: Int
    /// Changes set aside because they break a rule every server applies.
    public var held: [HeldChange]
    /// The `nseq` range of the batch sent but not yet acknowledged.
    public var batchInFlight: ClosedRange<Int64>?
}

/// A local change kept out of sync because it breaks one of ``Model/FieldRules``
/// (a clock before 2000, a NUL in a text): the rest of the library still syncs.
public struct HeldChange: Hashable, Sendable {
    /// The record and field.
    public var entity: String, id: String, field: String
    /// What is wrong with it.
    public var reason: String
}

/// A pushed batch as stored before it was sent: resent byte for byte until acknowledged.
public struct StoredBatch: Hashable, Sendable {
    /// The `Idempotency-Key` it is sent with.
    public var key: String
    /// Its `nseq` range.
    public var firstNseq: Int64, lastNseq: Int64
    /// The exact request body.
    public var body: String
}

/// One change of a batch being formed: the field, its number and its text base.
public struct OutgoingChange: Hashable, Sendable {
    /// The node's sequence number.
    public var nseq: Int64
    /// The field's current value and clock.
    public var change: FieldChange
    /// For text fields merged by revision: the server revision the text was edited from.
    public var baseRev: Int64?
}

/// What the server did with one sent change, as the sync engine hands it back.
public struct AcknowledgedChange: Hashable, Sendable {
    /// The change as sent.
    public var change: FieldChange
    /// What happened to it.
    public var outcome: Outcome

    /// Creates a value from its fields.
    public init(change: FieldChange, outcome: Outcome) { self.change = change; self.outcome = outcome }

    /// The server's answer.
    public enum Outcome: Hashable, Sendable {
        /// Stored; for a text field, as this revision.
        case applied(rev: Int64?)
        /// A later write won.
        case superseded
        /// A text edited from an old revision: the server's current text to merge with.
        case rebase(text: JSONValue, rev: Int64, hlc: HLC?)
        /// Refused, with the server's reason.
        case rejected(String)
    }
}

/// What acknowledging a batch did.
public struct AcknowledgeReport: Hashable, Sendable {
    /// Changes stored by the server.
    public var applied = 0
    /// Changes a later write beat.
    public var superseded = 0
    /// Text changes made from an older revision than the server's: merged by
    /// lines with it (``merged``), or kept in a conflict copy (``conflictCopies``).
    public var rebased = 0
    /// Refused changes with their reasons.
    public var rejected: [String] = []
    /// Texts merged with the server's by lines (to be pushed again).
    public var merged = 0
    /// Conflict-copy notes made for overlapping edits.
    public var conflictCopies: [String] = []
}

/// One field's latest value pulled from the server.
public struct IncomingChange: Hashable, Sendable {
    /// The kind of record (possibly one this version does not know).
    public var entity: String
    /// The record id, its field, value and clock.
    public var id: String, field: String, value: JSONValue, hlc: HLC
    /// For text fields merged by revision: the server's revision.
    public var rev: Int64?

    /// Creates a value from its fields.
    public init(entity: String, id: String, field: String, value: JSONValue, hlc: HLC, rev: Int64?) {
        self.entity = entity; self.id = id; self.field = field; self.value = value; self.hlc = hlc; self.rev = rev
    }
}

/// Pulled changes grouped by record, ready to apply. Grouping can happen on
/// another thread than the one that writes (the sync engine does it while the
/// previous pages are stored).
public struct PulledRecords: Sendable {
    /// The changes of one record, in the order received.
    struct Group: Sendable {
        var entity: String
        var id: String
        var changes: [IncomingChange]
    }

    var groups: [Group] = []
    /// How many changes there are.
    public private(set) var changeCount = 0

    /// Groups changes by record: consecutive changes of one record form one group
    /// (a page lists together the fields one push wrote of a record). A record met
    /// again later forms another group, which merges the same way.
    public init(_ changes: some Sequence<IncomingChange>) {
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

/// What applying a pulled page did.
public struct PullReport: Hashable, Sendable {
    /// Field changes received.
    public var received = 0
    /// Records created, changed, purged.
    public var created = 0, updated = 0, purged = 0
    /// Text fields left as they are because a local edit of them is waiting to be sent.
    public var heldForRebase = 0
}
