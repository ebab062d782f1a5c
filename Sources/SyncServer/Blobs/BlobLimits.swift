/// How much a library's files may take on the server.
public struct BlobLimits: Hashable, Sendable {
    /// The largest file accepted (`413 payload_too_large` above it).
    public var maxFileBytes: Int64
    /// The most a library's stored files may take together (`413 quota_exceeded`).
    public var quotaBytes: Int64

    /// Creates limits.
    public init(maxFileBytes: Int64, quotaBytes: Int64) {
        self.maxFileBytes = maxFileBytes; self.quotaBytes = quotaBytes
    }

    /// The defaults: files up to 200 MiB, 10 GiB per library.
    public static let standard = BlobLimits(maxFileBytes: 200 << 20, quotaBytes: 10 << 30)
}
