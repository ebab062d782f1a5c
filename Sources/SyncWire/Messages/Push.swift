import Model

/// One change of a push: a field's value and clock, numbered by the sending node.
public struct PushedChange: Hashable, Sendable {
    /// The node's sequence number of this change; contiguous across the node's batches.
    public var nseq: Int64
    /// The kind of record.
    public var entity: String
    /// The record id.
    public var id: String
    /// The field's name.
    public var field: String
    /// The field's value.
    public var value: JSONValue
    /// The clock of the write that set it.
    public var hlc: HLC
    /// For text fields merged by revision: the revision the value was edited from
    /// (0 for a new text).
    public var baseRev: Int64?

    /// Creates a value from its fields.
    public init(nseq: Int64, entity: String, id: String, field: String, value: JSONValue, hlc: HLC, baseRev: Int64? = nil) {
        self.nseq = nseq; self.entity = entity; self.id = id; self.field = field
        self.value = value; self.hlc = hlc; self.baseRev = baseRev
    }

    init(object: WireObject) throws(WireFormatError) {
        nseq = try object.int("nseq")
        entity = try object.name("entity", maxLength: 32)
        id = try object.recordID("id")
        field = try object.name("field", maxLength: 64)
        value = try object.value("value")
        hlc = try object.hlc("hlc")
        baseRev = try object.optionalInt("base_rev")
        if let baseRev, baseRev < 0 { throw WireFormatError(path: object.at("base_rev"), reason: "must not be negative") }
    }

    func write(to out: inout String) {
        var w = WireWriter()
        w.int("base_rev", baseRev, &out)
        w.string("entity", entity, &out)
        w.string("field", field, &out)
        w.string("hlc", hlc.description, &out)
        w.string("id", id, &out)
        w.int("nseq", nseq, &out)
        w.value("value", value, &out)
        w.close(&out)
    }
}

/// `POST /v1/libraries/{lib}/push`: one batch of a node's changes.
///
/// The client stores the exact body before sending it and resends the same bytes
/// with the same `Idempotency-Key` until it gets an answer.
public struct PushRequest: WireMessage, Hashable {
    /// The sending node (16 hex digits).
    public var node: NodeID
    /// The changes, with contiguous `nseq` in order.
    public var changes: [PushedChange]

    /// Creates a value from its fields.
    public init(node: NodeID, changes: [PushedChange]) { self.node = node; self.changes = changes }

    /// Reads the message from JSON, checking that the `nseq` are contiguous.
    public init(json: JSONValue) throws(WireFormatError) {
        try self.init(try WireDocument(json, array: "changes"))
    }

    /// Reads the message from UTF-8 JSON text, its changes without a dictionary each.
    public init(utf8 buffer: UnsafeBufferPointer<UInt8>) throws(WireFormatError) {
        try self.init(try WireDocument(utf8: buffer, array: "changes"))
    }

    private init(_ document: WireDocument) throws(WireFormatError) {
        let object = document.object
        guard let node = NodeID(hex: try object.string("node_id")) else {
            throw WireFormatError(path: "node_id", reason: "expected 16 hex digits")
        }
        self.node = node
        _ = try object.array("changes")
        let elements = document.elements ?? []
        var changes: [PushedChange] = []
        changes.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let change = try PushedChange(object: try element.object(in: "changes", at: index))
            if let previous = changes.last, change.nseq != previous.nseq + 1 {
                throw WireFormatError(path: "changes[\(index)].nseq", reason: "expected \(previous.nseq + 1): nseq must be contiguous")
            }
            if changes.isEmpty, change.nseq < 1 {
                throw WireFormatError(path: "changes[0].nseq", reason: "must be at least 1")
            }
            changes.append(change)
        }
        guard !changes.isEmpty else { throw WireFormatError(path: "changes", reason: "a push needs at least one change") }
        self.changes = changes
    }

    /// Writes the message as canonical JSON.
    public func write(to out: inout String) {
        var w = WireWriter()
        w.array("changes", changes, &out) { change, out in change.write(to: &out) }
        w.string("node_id", node.description, &out)
        w.close(&out)
    }
}

/// What the server did with one pushed change.
public enum PushOutcome: String, Hashable, Sendable, CaseIterable {
    /// The change is now the field's value.
    case applied
    /// A write with a later clock (or a purge) won; the change was dropped.
    case superseded
    /// A text change whose `base_rev` is not the current revision: merge with the
    /// server's text (in the result) and push again.
    case rebaseRequired = "rebase_required"
    /// Well-formed but not acceptable (the reason says why); acknowledged, so the
    /// outbox does not wedge.
    case rejected
}

/// The server's answer for one change of a push.
public struct PushResult: Hashable, Sendable {
    /// The change's `nseq`.
    public var nseq: Int64
    /// What happened.
    public var outcome: PushOutcome
    /// For `applied` text: the new revision. For `rebase_required`: the current one.
    public var rev: Int64?
    /// For `rebase_required`: the current text. For `superseded`: the winning value.
    public var value: JSONValue?
    /// For `rebase_required` and `superseded`: the clock of the current value.
    public var hlc: HLC?
    /// For `rejected` and `superseded`: why, in words.
    public var reason: String?

    /// Creates a value from its fields.
    public init(nseq: Int64, outcome: PushOutcome, rev: Int64? = nil, value: JSONValue? = nil, hlc: HLC? = nil, reason: String? = nil) {
        self.nseq = nseq; self.outcome = outcome; self.rev = rev; self.value = value; self.hlc = hlc; self.reason = reason
    }

    init(object: WireObject) throws(WireFormatError) {
        nseq = try object.int("nseq")
        guard let outcome = PushOutcome(rawValue: try object.string("outcome")) else {
            throw WireFormatError(path: object.at("outcome"), reason: "expected one of \(PushOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.outcome = outcome
        rev = try object.optionalInt("rev")
        value = object.member("value")
        if let text = try object.optionalString("hlc") {
            guard let hlc = HLC(text) else { throw WireFormatError(path: object.at("hlc"), reason: "expected an HLC") }
            self.hlc = hlc
        }
        reason = try object.optionalString("reason")
    }

    func write(to out: inout String) {
        var w = WireWriter()
        w.string("hlc", hlc?.description, &out)
        w.int("nseq", nseq, &out)
        w.string("outcome", outcome.rawValue, &out)
        w.string("reason", reason, &out)
        w.int("rev", rev, &out)
        w.value("value", value, &out)
        w.close(&out)
    }
}

/// The receipt of a push: the server stores it and answers a replay with the same bytes.
public struct PushReceipt: WireMessage, Hashable {
    /// Every change up to this `nseq` is acknowledged: drop it from the outbox.
    public var ackedThroughNseq: Int64
    /// The library's `seq` after this push.
    public var seq: Int64
    /// One result per change, in order.
    public var results: [PushResult]
    /// The server's epoch.
    public var epoch: String
    /// The server's clock when it answered first, in Unix milliseconds.
    public var serverTimeMillis: Int64

    /// Creates a value from its fields.
    public init(ackedThroughNseq: Int64, seq: Int64, results: [PushResult], epoch: String, serverTimeMillis: Int64) {
        self.ackedThroughNseq = ackedThroughNseq; self.seq = seq; self.results = results
        self.epoch = epoch; self.serverTimeMillis = serverTimeMillis
    }

    /// Reads the message from JSON.
    public init(json: JSONValue) throws(WireFormatError) {
        try self.init(try WireDocument(json, array: "results"))
    }

    /// Reads the message from UTF-8 JSON text, its results without a dictionary each.
    public init(utf8 buffer: UnsafeBufferPointer<UInt8>) throws(WireFormatError) {
        try self.init(try WireDocument(utf8: buffer, array: "results"))
    }

    private init(_ document: WireDocument) throws(WireFormatError) {
        let object = document.object
        ackedThroughNseq = try object.int("acked_through_nseq")
        seq = try object.int("seq")
        _ = try object.array("results")
        let elements = document.elements ?? []
        var results: [PushResult] = []
        results.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            results.append(try PushResult(object: try element.object(in: "results", at: index)))
        }
        self.results = results
        epoch = try object.string("epoch")
        serverTimeMillis = try object.int("server_time_ms")
    }

    /// Writes the message as canonical JSON.
    public func write(to out: inout String) {
        var w = WireWriter()
        w.int("acked_through_nseq", ackedThroughNseq, &out)
        w.string("epoch", epoch, &out)
        w.array("results", results, &out) { result, out in result.write(to: &out) }
        w.int("seq", seq, &out)
        w.int("server_time_ms", serverTimeMillis, &out)
        w.close(&out)
    }
}
