import Model

/// One field's latest value as the server holds it: a row of a pull page.
public struct PulledChange: Hashable, Sendable {
    /// The push that last changed this field (the library's sequence number).
    public var seq: Int64
    /// The kind of record (possibly one this client does not know).
    public var entity: String
    /// The record id.
    public var id: String
    /// The field's name.
    public var field: String
    /// The field's value.
    public var value: JSONValue
    /// The clock of the write that set it.
    public var hlc: HLC
    /// For text fields merged by revision: the revision this value is.
    public var rev: Int64?

    /// Creates a value from its fields.
    public init(seq: Int64, entity: String, id: String, field: String, value: JSONValue, hlc: HLC, rev: Int64? = nil) {
        self.seq = seq; self.entity = entity; self.id = id; self.field = field
        self.value = value; self.hlc = hlc; self.rev = rev
    }

    init(object: WireObject) throws(WireFormatError) {
        seq = try object.int("seq")
        entity = try object.name("entity", maxLength: 32)
        id = try object.recordID("id")
        field = try object.name("field", maxLength: 64)
        value = try object.value("value")
        hlc = try object.hlc("hlc")
        rev = try object.optionalInt("rev")
    }

    func write(to out: inout String) {
        var w = WireWriter()
        w.string("entity", entity, &out)
        w.string("field", field, &out)
        w.key("hlc", &out)
        out += "\""
        out += hlc.description
        out += "\""
        w.string("id", id, &out)
        w.int("rev", rev, &out)
        w.int("seq", seq, &out)
        w.value("value", value, &out)
        w.close(&out)
    }
}

/// `GET /v1/libraries/{lib}/changes?cursor=N&limit=M`: the latest value of every
/// field changed after `cursor`, in `seq` order. From cursor 0 it is the whole library.
///
/// A page never splits one `seq`, so it may hold a few more changes than asked for.
public struct ChangesPage: WireMessage, Hashable {
    /// The changes, in `seq` order.
    public var changes: [PulledChange]
    /// The cursor to ask from next: the `seq` of the last change, or the cursor asked from.
    public var cursor: Int64
    /// Whether changes after ``cursor`` exist.
    public var hasMore: Bool
    /// The server's epoch (changes when the server's database is restored).
    public var epoch: String
    /// The server's clock, in Unix milliseconds.
    public var serverTimeMillis: Int64

    /// Creates a value from its fields.
    public init(changes: [PulledChange], cursor: Int64, hasMore: Bool, epoch: String, serverTimeMillis: Int64) {
        self.changes = changes; self.cursor = cursor; self.hasMore = hasMore
        self.epoch = epoch; self.serverTimeMillis = serverTimeMillis
    }

    /// Reads the message from JSON.
    public init(json: JSONValue) throws(WireFormatError) {
        try self.init(try WireDocument(json, array: "changes"))
    }

    /// Reads the message from UTF-8 JSON text, its changes without a dictionary each.
    public init(utf8 buffer: UnsafeBufferPointer<UInt8>) throws(WireFormatError) {
        try self.init(try WireDocument(utf8: buffer, array: "changes"))
    }

    private init(_ document: WireDocument) throws(WireFormatError) {
        let object = document.object
        _ = try object.array("changes")
        let elements = document.elements ?? []
        var changes: [PulledChange] = []
        changes.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            changes.append(try PulledChange(object: try element.object(in: "changes", at: index)))
        }
        self.changes = changes
        cursor = try object.int("cursor")
        hasMore = try object.bool("has_more")
        epoch = try object.string("epoch")
        serverTimeMillis = try object.int("server_time_ms")
    }

    /// Writes the message as canonical JSON.
    public func write(to out: inout String) {
        var w = WireWriter()
        w.key("changes", &out)
        out += "["
        for (i, change) in changes.enumerated() {
            if i > 0 { out += "," }
            change.write(to: &out)
        }
        out += "]"
        w.int("cursor", cursor, &out)
        w.string("epoch", epoch, &out)
        w.bool("has_more", hasMore, &out)
        w.int("server_time_ms", serverTimeMillis, &out)
        w.close(&out)
    }
}
