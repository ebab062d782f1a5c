import Model
import SyncWire

/// Where the server keeps its libraries: the one protocol between the sync
/// protocol's logic (``SyncService``) and a database.
///
/// ``SQLiteSyncStore`` is the embedded default; ``PostgresSyncStore`` serves larger
/// deployments with several server processes. The protocol logic does not change,
/// because every rule (last writer wins, purge, text revisions, nseq, receipts)
/// is decided in ``SyncService`` through a ``PushTransaction``.
public protocol SyncStore: Sendable {
    /// The server's epoch: changes when its database is restored or reset. It lives
    /// in the store, so that every server process over one database gives the same.
    func epoch() async throws -> String

    /// Creates a library; fails if the name is taken.
    func createLibrary(named name: String, at millis: Int64) async throws -> ServerLibrary
    /// Every library, by name.
    func libraries() async throws -> [ServerLibrary]
    /// Stores a device token's SHA-256 for a library.
    func createToken(library: String, device: String, hash: [UInt8], at millis: Int64) async throws -> DeviceToken
    /// Every token (never the token itself: only its hash is stored).
    func tokens() async throws -> [DeviceToken]
    /// Revokes a token by id; returns it, or nil when there is no such token.
    func revokeToken(id: Int64, at millis: Int64) async throws -> DeviceToken?

    /// The library a token's SHA-256 opens, when the token exists and is not revoked.
    func library(forTokenHash hash: [UInt8]) async throws -> ServerLibrary?
    /// The library's head `seq` and the last `nseq` acknowledged from `node`.
    func session(library: ServerLibrary, node: NodeID?) async throws -> (headSeq: Int64, lastNseq: Int64)
    /// The latest values of fields changed after `cursor`, in `seq` order; at least
    /// `limit` rows when there are that many, never splitting one `seq`.
    ///
    /// Fields whose latest value `node` pushed are left out (it holds them: a node
    /// that loses its data always comes back as a new node), and `cursor` in the
    /// answer passes them all the same: the head when nothing more is left, else the
    /// last served row's `seq`. With `node` nil, every row is served.
    func changes(library: ServerLibrary, after cursor: Int64, limit: Int, notPushedBy node: NodeID?) async throws
        -> (changes: [PulledChange], cursor: Int64, hasMore: Bool)
    /// Runs `body` in one write transaction of the library, serialized with every
    /// other push to it: a push. The store first reads what `request` names and hands
    /// it to `body` (declared up front, so that a store can read for a whole group of
    /// pushes at once). Nothing `body` wrote is kept if it throws. `body` may await (a
    /// store over an async driver answers its calls asynchronously).
    func push<T: Sendable>(library: ServerLibrary, reading request: PushReadRequest,
                           _ body: @escaping @Sendable (PushReading, any PushTransaction) async throws -> T) async throws -> T
    /// Every record of the library with each field's value and clock, sorted by
    /// (entity, id): the server's canonical dump.
    func forEachRecord(library: ServerLibrary, _ body: @Sendable (String, String, [String: Stamped]) throws -> Void) async throws
    /// The accepted texts of one text field, oldest first.
    func textHistory(library: ServerLibrary, entity: String, id: String, field: String) async throws -> [TextRevision]
    /// Calls `heard` with a library's key each time a push to it commits in another
    /// server process over the same database (nil: any library may have changed),
    /// until the task is cancelled. A store only one process opens returns at once.
    func listenForPushes(_ heard: @escaping @Sendable (Int64?) -> Void) async throws
}

extension SyncStore {
    /// One process: every push is signalled where it commits.
    public func listenForPushes(_ heard: @escaping @Sendable (Int64?) -> Void) async throws {}
}

/// The writes of one push inside its transaction, in two calls whatever the size of
/// the batch, so that a store across a network pays a few round trips per push (or
/// per group of pushes), not one per change.
public protocol PushTransaction: Sendable {
    /// Applies a push's writes, in order; each field written is marked as `node`'s
    /// (its pulls leave it out).
    func apply(_ writes: [StoreWrite], pushedBy node: NodeID) async throws
    /// Sets the library's `seq` and the node's last acknowledged `nseq`, and stores the receipt.
    func finish(headSeq: Int64, node: NodeID, lastNseq: Int64, receipt: StoredReceipt) async throws
}

/// What a push reads before it decides: the receipt of its idempotency key, its
/// node's last acknowledged `nseq`, and the stored fields of the records it touches.
public struct PushReadRequest: Hashable, Sendable {
    /// The push's `Idempotency-Key`.
    public var receiptKey: String
    /// The pushing node.
    public var node: NodeID
    /// The records its changes touch.
    public var records: Set<RecordKey>

    /// Creates a value from its fields.
    public init(receiptKey: String, node: NodeID, records: Set<RecordKey>) {
        self.receiptKey = receiptKey; self.node = node; self.records = records
    }
}

/// What a push read in its transaction before it decides (see ``PushReadRequest``).
public struct PushReading: Sendable {
    /// The receipt stored for the push's idempotency key, if any.
    public var receipt: StoredReceipt?
    /// The last `nseq` acknowledged from the pushing node (0 if none).
    public var lastNseq: Int64
    /// The library's `seq` before this push.
    public var headSeq: Int64
    /// Every stored field of each record asked for, by field name, as a pull would
    /// serve it (a record with none is left out).
    public var fields: [RecordKey: [String: PulledChange]]

    /// Creates a value from its fields.
    public init(receipt: StoredReceipt?, lastNseq: Int64, headSeq: Int64, fields: [RecordKey: [String: PulledChange]]) {
        self.receipt = receipt; self.lastNseq = lastNseq; self.headSeq = headSeq; self.fields = fields
    }
}

/// A record of a library: its entity and id.
public struct RecordKey: Hashable, Sendable {
    /// The entity's name (possibly one this version does not know).
    public var entity: String
    /// The record's id.
    public var id: String

    /// Creates a value from its fields.
    public init(entity: String, id: String) { self.entity = entity; self.id = id }
}

/// One write of a push, as the protocol's rules decided it.
public enum StoreWrite: Hashable, Sendable {
    /// Stores a field's new state: the row a pull serves.
    case field(PulledChange)
    /// Removes every field of a record but `keeping` (a purge).
    case clear(RecordKey, keeping: String)
    /// Appends an accepted text to the field's history.
    case revision(RecordKey, String, TextRevision)
}

/// One accepted text of a text field.
public struct TextRevision: Hashable, Sendable {
    /// Its revision number (1 for the first text).
    public var rev: Int64
    /// The text.
    public var value: JSONValue
    /// The clock it was written with.
    public var hlc: HLC
    /// The push that stored it.
    public var seq: Int64
    /// The node that pushed it.
    public var node: NodeID

    /// Creates a value from its fields.
    public init(rev: Int64, value: JSONValue, hlc: HLC, seq: Int64, node: NodeID) {
        self.rev = rev; self.value = value; self.hlc = hlc; self.seq = seq; self.node = node
    }
}

/// A push's stored receipt: a replay with the same key and body gets these bytes.
public struct StoredReceipt: Hashable, Sendable {
    /// The `Idempotency-Key` of the push.
    public var key: String
    /// The node that pushed.
    public var node: NodeID
    /// SHA-256 of the request body.
    public var bodyHash: [UInt8]
    /// The batch's `nseq` range.
    public var firstNseq: Int64, lastNseq: Int64
    /// The response body, as first sent.
    public var body: String

    /// Creates a value from its fields.
    public init(key: String, node: NodeID, bodyHash: [UInt8], firstNseq: Int64, lastNseq: Int64, body: String) {
        self.key = key; self.node = node; self.bodyHash = bodyHash
        self.firstNseq = firstNseq; self.lastNseq = lastNseq; self.body = body
    }
}

/// A library on the server.
public struct ServerLibrary: Hashable, Sendable {
    /// The store's key for it.
    public var key: Int64
    /// Its name: what the path `/v1/libraries/{lib}` names.
    public var name: String

    /// Creates a value from its fields.
    public init(key: Int64, name: String) { self.key = key; self.name = name }
}

/// A device token's record (the token itself is never stored).
public struct DeviceToken: Hashable, Sendable {
    /// Its id, for `reader-server token revoke`.
    public var id: Int64
    /// The library it opens.
    public var library: String
    /// The device it was made for.
    public var device: String
    /// When it was made and, if so, revoked (Unix milliseconds).
    public var createdAt: Int64, revokedAt: Int64?
    /// The first hex digits of its SHA-256, to tell tokens apart.
    public var hashPrefix: String

    /// Creates a value from its fields.
    public init(id: Int64, library: String, device: String, createdAt: Int64, revokedAt: Int64?, hashPrefix: String) {
        self.id = id; self.library = library; self.device = device
        self.createdAt = createdAt; self.revokedAt = revokedAt; self.hashPrefix = hashPrefix
    }
}

/// A store operation that cannot be done as asked (an admin error, not a protocol one).
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Creates a value from its fields.
    public init(_ message: String) { self.message = message }
    /// The text form.
    public var description: String { message }
}
