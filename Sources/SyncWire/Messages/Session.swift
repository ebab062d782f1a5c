import Model

/// `GET /v1/libraries/{lib}/session`: what a client checks before it syncs.
///
/// The epoch tells a client whether the server was restored; `last_nseq` is the
/// last batch number the server acknowledged from the asking node (given in the
/// `node` query parameter), which tells the client whether its own database was.
public struct Session: WireMessage, Hashable {
    /// The protocol version the server speaks.
    public var protocolVersion: Int64
    /// The oldest protocol version it serves.
    public var minimumProtocol: Int64
    /// The library's name.
    public var library: String
    /// Changes whenever the server's database is restored or reset.
    public var epoch: String
    /// The library's latest `seq`.
    public var headSeq: Int64
    /// The last `nseq` the server acknowledged from the asking node (0 if none).
    public var lastNseq: Int64
    /// The server's clock, in Unix milliseconds.
    public var serverTimeMillis: Int64
    /// What the server accepts.
    public var limits: WireLimits

    /// Creates a value from its fields.
    public init(protocolVersion: Int64 = Int64(WireProtocol.version), minimumProtocol: Int64 = Int64(WireProtocol.minimumVersion),
                library: String, epoch: String, headSeq: Int64, lastNseq: Int64, serverTimeMillis: Int64, limits: WireLimits = .v1) {
        self.protocolVersion = protocolVersion
        self.minimumProtocol = minimumProtocol
        self.library = library
        self.epoch = epoch
        self.headSeq = headSeq
        self.lastNseq = lastNseq
        self.serverTimeMillis = serverTimeMillis
        self.limits = limits
    }

    /// Reads the message from JSON.
    public init(json: JSONValue) throws(WireFormatError) {
        let object = try WireObject(json)
        protocolVersion = try object.int("protocol")
        minimumProtocol = try object.int("min_protocol")
        library = try object.string("library")
        epoch = try object.string("epoch")
        headSeq = try object.int("head_seq")
        lastNseq = try object.int("last_nseq")
        serverTimeMillis = try object.int("server_time_ms")
        let limits = try WireObject(try object.value("limits"), path: "limits")
        self.limits = WireLimits(
            maxPushChanges: Int(try limits.int("max_push_changes")), maxPushBytes: Int(try limits.int("max_push_bytes")),
            defaultPullLimit: Int(try limits.int("default_pull_limit")), maxPullLimit: Int(try limits.int("max_pull_limit")),
            maxClockSkewMillis: try limits.int("max_clock_skew_ms"))
    }

    /// Writes the message as canonical JSON.
    public func write(to out: inout String) {
        var w = WireWriter()
        w.string("epoch", epoch, &out)
        w.int("head_seq", headSeq, &out)
        w.int("last_nseq", lastNseq, &out)
        w.string("library", library, &out)
        w.key("limits", &out)
        var l = WireWriter()
        l.int("default_pull_limit", Int64(limits.defaultPullLimit), &out)
        l.int("max_clock_skew_ms", limits.maxClockSkewMillis, &out)
        l.int("max_pull_limit", Int64(limits.maxPullLimit), &out)
        l.int("max_push_bytes", Int64(limits.maxPushBytes), &out)
        l.int("max_push_changes", Int64(limits.maxPushChanges), &out)
        l.close(&out)
        w.int("min_protocol", minimumProtocol, &out)
        w.int("protocol", protocolVersion, &out)
        w.int("server_time_ms", serverTimeMillis, &out)
        w.close(&out)
    }
}
