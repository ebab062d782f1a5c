import Storage

/// What one `reader sync` did.
public struct SyncReport: Hashable, Sendable {
    /// Field changes sent, in how many batches.
    public var sent = 0, batches = 0
    /// Of those: stored, beaten by a later write, or made from an older text than
    /// the server's (merged by lines, or kept in a conflict copy); with ``rejected``,
    /// they add up to ``sent``.
    public var applied = 0, superseded = 0, rebased = 0
    /// Changes set aside because the server refused them as invalid (the rest was sent).
    public var setAside = 0
    /// Refused changes, each with the server's reason.
    public var rejected: [String] = []
    /// Field changes received, in how many pages; records created, changed and purged by them.
    public var received = 0, pages = 0, created = 0, updated = 0, purged = 0
    /// Texts merged by lines with the server's.
    public var merged = 0
    /// Conflict-copy notes made (their ids).
    public var conflictCopies: [String] = []
    /// Changes stamped again because the clock was too far ahead.
    public var restamped = 0
    /// The database was found to be a copy or a restore and got a new node id.
    public var becameNewNode = false
    /// The server was found restored or reset: everything was queued again.
    public var serverRestored = false
    /// The cursor after the sync.
    public var cursor: Int64 = 0
    /// The measured offset of the server's clock to this machine's, in milliseconds.
    public var clockOffsetMillis: Int64 = 0
}

/// What `reader sync --dry-run` found, without writing anything.
public struct DryRunReport: Hashable, Sendable {
    /// Field changes waiting to be sent, by entity.
    public var pending: [String: Int] = [:]
    /// The batch sent but not acknowledged, if any (its nseq range).
    public var batchInFlight: ClosedRange<Int64>?
    /// Changes set aside, not sent.
    public var held: [HeldChange] = []
    
    /// The server's head seq, and this library's cursor.
    public var headSeq: Int64 = 0, cursor: Int64 = 0
    /// Field changes on the server after the cursor, by entity.
    public var incoming: [String: Int] = [:]
    /// The server's clock minus this machine's, in milliseconds.
    public var clockOffsetMillis: Int64 = 0
}

/// How far a long sync has got, for a progress line.
public struct SyncProgress: Hashable, Sendable {
    /// `push` or `pull`.
    public var phase: String
    /// Field changes done so far in this phase.
    public var done: Int
    /// For a pull: the server's head seq and the cursor reached.
    public var headSeq: Int64?, cursor: Int64?
}
