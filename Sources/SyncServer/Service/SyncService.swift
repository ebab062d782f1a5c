import Crypto
import Foundation
import Logging
import Model
import SyncWire
import Synchronization

/// The sync protocol's server side, without HTTP: authentication, validation,
/// limits, and the merge rules of every push. ``SyncServerApplication`` puts it
/// behind Hummingbird; tests call it directly.
///
/// Every rule lives here, on top of a ``SyncStore``, so that a second store
/// (PostgreSQL) gets the same behaviour by implementing the store protocol only.
///
/// ```swift
/// let service = SyncService(store: try SQLiteSyncStore(path: path))
/// let library = try await service.authenticate(authorization: "Bearer …", library: "lab")
/// let page = try await service.changes(library: library, cursor: "0", limit: nil)
/// ```
public struct SyncService: Sendable {
    /// Where the libraries are kept.
    public let store: any SyncStore
    /// What a request may hold.
    public let limits: WireLimits
    /// Where the libraries' files are kept; nil: this server keeps no files.
    public let blobs: (any BlobStore)?
    /// How much a library's files may take.
    public let blobLimits: BlobLimits
    /// The server's clock, in Unix milliseconds (tests pass their own).
    let now: @Sendable () -> Int64
    /// Where tests inject a crash inside the push transaction: thrown there, the
    /// transaction rolls back as it would if the process died.
    let crashInsidePush = ServerCrashPoint()
    /// The bytes of uploads in progress, against each library's quota.
    let quotaReservations = QuotaReservations()
    /// Pulls waiting for a library's next push (`changes?wait=`).
    let waiters = ChangeWaiters()

    /// Creates a service over a store.
    public init(store: any SyncStore, limits: WireLimits = .v1, blobs: (any BlobStore)? = nil, blobLimits: BlobLimits = .standard,
                now: (@Sendable () -> Int64)? = nil) {
        self.store = store
        self.limits = limits
        self.blobs = blobs
        self.blobLimits = blobLimits
        self.now = now ?? { Int64(Date().timeIntervalSince1970 * 1000) }
    }

    /// `GET /v1/health`.
    public func health() -> Health { Health() }

    /// The library a request may reach: the token's, which must be the one in the path.
    ///
    /// A missing or unknown token is `401`; a valid token for another library is
    /// `404`, as for a library that does not exist, so that a token never tells
    /// whether other libraries exist.
    public func authenticate(authorization: String?, library name: String) async throws -> ServerLibrary {
        guard let authorization, authorization.hasPrefix("Bearer "), authorization.utf8.count > 7 else {
            throw WireErrorBody(.unauthorized, "send the device token as `Authorization: Bearer <token>`")
        }
        let token = authorization.dropFirst(7)
        guard let library = try await store.library(forTokenHash: Self.hash(token)) else {
            throw WireErrorBody(.unauthorized, "the token is not valid (unknown or revoked)")
        }
        guard library.name == name else {
            throw WireErrorBody(.notFound, "no such library")
        }
        return library
    }

    /// SHA-256 of a token: the only form the server stores.
    public static func hash(_ token: some StringProtocol) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// `GET /v1/libraries/{lib}/session?node=HEX`.
    public func session(library: ServerLibrary, node text: String?) async throws -> Session {
        let (head, last) = try await store.session(library: library, node: try Self.node(text))
        return Session(library: library.name, epoch: try await store.epoch(), headSeq: head, lastNseq: last,
                       serverTimeMillis: now(), limits: limits)
    }

    /// `GET /v1/libraries/{lib}/changes?cursor=N&limit=M&node=HEX`: with `node`, the
    /// fields whose latest value that node pushed are left out (no echo), and the
    /// cursor passes them.
    public func changes(library: ServerLibrary, cursor cursorText: String?, limit limitText: String?, node nodeText: String? = nil,
                        wait waitText: String? = nil, waiter: String = "") async throws -> ChangesPage {
        let cursor = try Self.integer(cursorText, name: "cursor", default: 0, range: 0...Int64.max)
        let limit = try Self.integer(limitText, name: "limit", default: Int64(limits.defaultPullLimit), range: 1...Int64(limits.maxPullLimit))
        let wait = try Self.integer(waitText, name: "wait", default: 0, range: 0...Int64(Self.longestWait))
        let node = try Self.node(nodeText)
        // The ticket comes before the read: a push committing in between is seen by the wait.
        let ticket = waiters.ticket(for: library.key)
        var page = try await store.changes(library: library, after: cursor, limit: Int(limit), notPushedBy: node)
        if wait > 0, page.changes.isEmpty, page.cursor <= cursor {
            let ending: ChangeWaiters.Ending
            do {
                ending = try await waiters.wait(for: ticket, holder: waiter, upTo: .seconds(wait))
            } catch let full as ChangeWaiters.TooManyWaiters {
                throw WireErrorBody(.tooManyWaiters, "this token already holds \(full.limit) waiting pulls; wait for one to end")
            }
            if ending == .pushed {
                page = try await store.changes(library: library, after: cursor, limit: Int(limit), notPushedBy: node)
            }
        }
        return ChangesPage(changes: page.changes, cursor: page.cursor, hasMore: page.hasMore,
                           epoch: try await store.epoch(), serverTimeMillis: now())
    }

    /// The longest a pull may wait for a push (`changes?wait=`), in seconds.
    public static let longestWait = 60

    /// Answers every waiting pull at once: the server is stopping.
    public func answerWaitingPulls() {
        waiters.close()
    }

    /// Wakes this process's waiting pulls when a push commits in another server
    /// process over the same database, until the task is cancelled.
    public func relayPushesFromOtherProcesses() async throws {
        try await store.listenForPushes { [waiters] library in
            if let library { waiters.signal(library: library) } else { waiters.signalAll() }
        }
    }

    /// The `node` query parameter, when given.
    static func node(_ text: String?) throws -> NodeID? {
        guard let text else { return nil }
        guard let node = NodeID(hex: text) else {
            throw WireErrorBody(.badRequest, "the node parameter must be 16 hex digits, not '\(text.prefix(40))'")
        }
        return node
    }

    static func integer(_ text: String?, name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
        guard let text else { return value }
        guard let parsed = Int64(text), range.contains(parsed) else {
            throw WireErrorBody(.badRequest, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text.prefix(40))'")
        }
        return parsed
    }

    /// What a push answered, and whether it was a stored receipt replayed.
    public struct PushAnswer: Sendable {
        /// The receipt's JSON text (identical bytes for a replay).
        public var body: String
        /// Whether the receipt was stored by an earlier identical push.
        public var replayed: Bool
        /// Counts by outcome, for the log.
        public var applied: Int, superseded: Int, rebased: Int, rejected: Int
    }

    /// `POST /v1/libraries/{lib}/push`: checks the whole batch, then applies it in
    /// one transaction, or answers a replay with its stored receipt.
    public func push(library: ServerLibrary, idempotencyKey: String?, body: [UInt8]) async throws -> PushAnswer {
        guard let key = idempotencyKey, (1...128).contains(key.utf8.count),
              key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw WireErrorBody(.badRequest, "a push needs an Idempotency-Key header of 1 to 128 visible ASCII characters")
        }
        guard body.count <= limits.maxPushBytes else {
            throw WireErrorBody(.payloadTooLarge, "a push may hold at most \(limits.maxPushBytes) bytes; this one has \(body.count)")
        }
        let request: PushRequest
        do {
            request = try PushRequest(bytes: body)
        } catch {
            throw WireErrorBody(.invalidBody, "the push is not a valid batch: \(error)")
        }
        guard request.changes.count <= limits.maxPushChanges else {
            throw WireErrorBody(.payloadTooLarge, "a push may hold at most \(limits.maxPushChanges) changes; this one has \(request.changes.count)")
        }
        try Self.checkValues(request)
        let bodyHash = Array(SHA256.hash(data: body))
        let serverTime = now()
        let limits = self.limits
        let epoch = try await store.epoch()
        let crash = crashInsidePush
        let reads = PushReadRequest(receiptKey: key, node: request.node, records: Set(request.changes.map { RecordKey(entity: $0.entity, id: $0.id) }))
        let answer = try await store.push(library: library, reading: reads) { reading, transaction in
            try await PushApplier(transaction: transaction, request: request, key: key, bodyHash: bodyHash,
                                  serverTime: serverTime, limits: limits, epoch: epoch, crash: crash).run(reading)
        }
        // After the commit: a pull woken now reads what this push stored.
        if !answer.replayed { waiters.signal(library: library.key) }
        return answer
    }

    /// Refuses the whole batch when a change breaks one of ``Model/FieldRules``: a
    /// known field given a value of the wrong kind, a purge that is not `true` or
    /// not of a purgeable entity, a NUL in a text, a clock before 2000. The error
    /// names the change (`changes[3].hlc`), so that a client can set it aside.
    static func checkValues(_ request: PushRequest) throws {
        for (index, change) in request.changes.enumerated() {
            if let problem = FieldRules.problem(entity: change.entity, field: change.field, value: change.value, hlc: change.hlc) {
                throw WireErrorBody(.invalidBody, "changes[\(index)].\(problem)")
            }
        }
    }
}

/// Applies one push inside its transaction: the protocol's merge rules.
///
/// The records the batch touches are read in one call, every change is decided
/// against them in memory (a later change of the batch sees what an earlier one
/// wrote), and the writes go to the store in one call: a few round trips per push.
struct PushApplier {
    let transaction: any PushTransaction
    let request: PushRequest
    let key: String
    let bodyHash: [UInt8]
    let serverTime: Int64
    let limits: WireLimits
    let epoch: String
    let crash: ServerCrashPoint

    func run(_ reading: PushReading) async throws -> SyncService.PushAnswer {
        if let stored = reading.receipt {
            guard stored.bodyHash == bodyHash, stored.node == request.node else {
                throw WireErrorBody(.nodeRewound, "this Idempotency-Key was used with a different body: the client's database was restored or copied",
                                    serverTimeMillis: serverTime, lastNseq: reading.lastNseq)
            }
            return SyncService.PushAnswer(body: stored.body, replayed: true, applied: 0, superseded: 0, rebased: 0, rejected: 0)
        }
        let last = reading.lastNseq
        let first = request.changes[0].nseq
        if first > last + 1 {
            throw WireErrorBody(.nseqGap, "the server expects nseq \(last + 1) next, not \(first)", serverTimeMillis: serverTime, lastNseq: last)
        }
        if first <= last {
            throw WireErrorBody(.nodeRewound, "nseq \(first) was already acknowledged (last \(last)) with another body: the client's database was restored or copied",
                                serverTimeMillis: serverTime, lastNseq: last)
        }
        let skewLimit = serverTime + limits.maxClockSkewMillis
        if let ahead = request.changes.first(where: { Int64(clamping: $0.hlc.millis) > skewLimit }) {
            throw WireErrorBody(.clockSkew, "clock \(ahead.hlc) is \((Int64(clamping: ahead.hlc.millis) - serverTime) / 1000) s ahead of the server's; fix the clock or let the client correct it",
                                serverTimeMillis: serverTime)
        }
        let head = reading.headSeq
        let seq = head + 1
        var state = reading.fields
        var writes: [StoreWrite] = []
        var results: [PushResult] = []
        results.reserveCapacity(request.changes.count)
        var counts = (applied: 0, superseded: 0, rebased: 0, rejected: 0)
        for change in request.changes {
            let result = apply(change, seq: seq, state: &state, writes: &writes)
            switch result.outcome {
            case .applied: counts.applied += 1
            case .superseded: counts.superseded += 1
            case .rebaseRequired: counts.rebased += 1
            case .rejected: counts.rejected += 1
            }
            results.append(result)
        }
        if !writes.isEmpty {
            try await transaction.apply(writes, pushedBy: request.node)
            try crash.pass()
        }
        let newHead = writes.isEmpty ? head : seq
        let lastNseq = request.changes[request.changes.count - 1].nseq
        let receipt = PushReceipt(ackedThroughNseq: lastNseq, seq: newHead, results: results, epoch: epoch, serverTimeMillis: serverTime)
        let body = receipt.jsonText
        try await transaction.finish(headSeq: newHead, node: request.node, lastNseq: lastNseq,
                                     receipt: StoredReceipt(key: key, node: request.node, bodyHash: bodyHash, firstNseq: first, lastNseq: lastNseq, body: body))
        return SyncService.PushAnswer(body: body, replayed: false, applied: counts.applied, superseded: counts.superseded,
                                      rebased: counts.rebased, rejected: counts.rejected)
    }

    /// One change: purge absorbs; text fields compare and swap on `base_rev`;
    /// every other field is last writer wins by HLC. What it writes goes to
    /// `writes` and to `state`, which later changes of the batch read.
    func apply(_ change: PushedChange, seq: Int64, state: inout [RecordKey: [String: PulledChange]], writes: inout [StoreWrite]) -> PushResult {
        let record = RecordKey(entity: change.entity, id: change.id)
        let stored = state[record] ?? [:]
        func write(_ value: JSONValue, rev: Int64? = nil) {
            let field = PulledChange(seq: seq, entity: change.entity, id: change.id, field: change.field, value: value, hlc: change.hlc, rev: rev)
            state[record, default: [:]][change.field] = field
            writes.append(.field(field))
        }
        if let purge = stored[Entity.purgedField] {
            switch FieldRules.purgeAbsorbs(purgedAt: purge.hlc, field: change.field, hlc: change.hlc) {
            case .takeIncoming: break
            case .sameWrite: return PushResult(nseq: change.nseq, outcome: .applied, hlc: purge.hlc)
            case .keepStored, .clockClash:
                return change.field == Entity.purgedField
                    ? PushResult(nseq: change.nseq, outcome: .superseded, hlc: purge.hlc)
                    : PushResult(nseq: change.nseq, outcome: .superseded, hlc: purge.hlc, reason: "the record was purged")
            }
        }
        if change.field == Entity.purgedField {
            state[record] = stored.filter { $0.key == Entity.purgedField }
            writes.append(.clear(record, keeping: Entity.purgedField))
            write(.bool(true))
            return PushResult(nseq: change.nseq, outcome: .applied)
        }
        let current = stored[change.field]
        if let entity = Entity(rawValue: change.entity), entity.isMergedText(change.field) {
            switch FieldRules.textPush(stored: current.map { Stamped($0.value, at: $0.hlc) }, storedRev: current?.rev ?? 0,
                                       baseRev: change.baseRev, incoming: Stamped(change.value, at: change.hlc)) {
            case .rebase(let rev):
                return PushResult(nseq: change.nseq, outcome: .rebaseRequired, rev: rev, value: current?.value ?? .null, hlc: current?.hlc)
            case .duplicate(let rev):
                return PushResult(nseq: change.nseq, outcome: .applied, rev: rev)
            case .newRevision(let next):
                write(change.value, rev: next)
                writes.append(.revision(record, change.field, TextRevision(rev: next, value: change.value, hlc: change.hlc, seq: seq, node: request.node)))
                return PushResult(nseq: change.nseq, outcome: .applied, rev: next)
            }
        }
        if let current {
            switch FieldRules.lastWriterWins(stored: Stamped(current.value, at: current.hlc), incoming: Stamped(change.value, at: change.hlc)) {
            case .takeIncoming: break
            case .sameWrite: return PushResult(nseq: change.nseq, outcome: .applied)
            case .clockClash:
                return PushResult(nseq: change.nseq, outcome: .rejected, hlc: current.hlc, reason: "another value was written with the same clock")
            case .keepStored:
                return PushResult(nseq: change.nseq, outcome: .superseded, hlc: current.hlc, reason: "a later write won")
            }
        }
        write(change.value)
        return PushResult(nseq: change.nseq, outcome: .applied)
    }
}

extension SyncService {
    /// The library's canonical dump: the same bytes as `reader export --format json --canonical`
    /// on a client that holds the same state.
    public func dump(library: ServerLibrary) async throws -> String {
        let collector = DumpCollector()
        try await store.forEachRecord(library: library) { entity, id, fields in
            collector.append(entity: entity, id: id, fields: fields)
        }
        return collector.finish()
    }
}

/// Collects dump lines from the store's reading thread.
final class DumpCollector: Sendable {
    private let state = Mutex((text: CanonicalDump.header, lines: CanonicalDump.Lines()))

    func append(entity: String, id: String, fields: [String: Stamped]) {
        state.withLock { $0.text += $0.lines.record(entity: entity, id: id, fields: fields) }
    }

    func finish() -> String {
        state.withLock { $0.text + $0.lines.closing() }
    }
}

/// The labelled crash point inside a push transaction (`server.insidePushTransaction`).
/// Unset in production; a test sets it to throw once.
final class ServerCrashPoint: Sendable {
    private let armed = Atomic<Bool>(false)

    /// Makes the next push that writes fail inside its transaction.
    func arm() { armed.store(true, ordering: .sequentiallyConsistent) }

    /// Takes back an armed crash.
    func disarm() { armed.store(false, ordering: .sequentiallyConsistent) }

    func pass() throws {
        if armed.exchange(false, ordering: .sequentiallyConsistent) { throw ServerCrash() }
    }
}

/// A crash injected by a test.
struct ServerCrash: Error {}
