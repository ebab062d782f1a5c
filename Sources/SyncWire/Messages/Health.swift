import Model

/// `GET /v1/health`: the server is up and speaks this protocol.
public struct Health: WireMessage, Hashable {
    /// Always `ok` when the server answers.
    public var status: String
    /// The protocol version the server speaks.
    public var protocolVersion: Int64

    /// Creates a value from its fields.
    public init(status: String = "ok", protocolVersion: Int64 = Int64(WireProtocol.version)) {
        self.status = status
        self.protocolVersion = protocolVersion
    }

    /// Reads the message from JSON.
    public init(json: JSONValue) throws(WireFormatError) {
        let object = try WireObject(json)
        status = try object.string("status")
        protocolVersion = try object.int("protocol")
    }

    /// Writes the message as canonical JSON.
    public func write(to out: inout String) {
        var w = WireWriter()
        w.int("protocol", protocolVersion, &out)
        w.string("status", status, &out)
        w.close(&out)
    }
}
