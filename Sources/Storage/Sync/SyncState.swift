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

    /// Creates a value from its fields.
    package init(key: String, firstNseq: Int64, lastNseq: Int64, body: String) {
        self.key = key; self.firstNseq = firstNseq; self.lastNseq = lastNseq; self.body = body
    }
}
