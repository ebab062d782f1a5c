/// Protocol v1 of reader sync: its version numbers and limits, shared by the
/// client engine and the server so that neither can drift from the other.
///
/// See `docs/sync-protocol.md` for the whole protocol.
public enum WireProtocol {
    /// The protocol version this code speaks.
    public static let version = 1
    /// The oldest client protocol the server still serves (older ones get `426`).
    public static let minimumVersion = 1
    /// The header a push carries its idempotency key in.
    public static let idempotencyKeyHeader = "Idempotency-Key"
    /// The header a client names its protocol version in (optional; `426` when too old).
    public static let protocolHeader = "Reader-Protocol"
}

/// What the server accepts in one request.
public struct WireLimits: Hashable, Sendable {
    /// Most changes in one push.
    public var maxPushChanges: Int
    /// Most bytes in one push body.
    public var maxPushBytes: Int
    /// Changes in a pull page when the client names no limit.
    public var defaultPullLimit: Int
    /// Most changes a client may ask for in one pull page.
    public var maxPullLimit: Int
    /// How far ahead of the server's clock a pushed HLC may be.
    public var maxClockSkewMillis: Int64

    /// The limits of protocol v1. Pushes were 500 changes at first: a first push of
    /// 100,000 papers (800,004 changes) took 1,613 requests, each a transaction on both
    /// sides; at 5,000 changes (still at most 1 MiB) it takes 381, and 22.3 s instead
    /// of 26.8 s (docs/benchmarks.md). A client follows the limits its server's session gives.
    public static let v1 = WireLimits(maxPushChanges: 5000, maxPushBytes: 1 << 20, defaultPullLimit: 1000,
                                      maxPullLimit: 5000, maxClockSkewMillis: 5 * 60 * 1000)

    /// Creates a value from its fields.
    public init(maxPushChanges: Int, maxPushBytes: Int, defaultPullLimit: Int, maxPullLimit: Int, maxClockSkewMillis: Int64) {
        self.maxPushChanges = maxPushChanges
        self.maxPushBytes = maxPushBytes
        self.defaultPullLimit = defaultPullLimit
        self.maxPullLimit = maxPullLimit
        self.maxClockSkewMillis = maxClockSkewMillis
    }
}
