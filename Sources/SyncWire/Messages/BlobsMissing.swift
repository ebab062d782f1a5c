import Model

/// `POST /v1/libraries/{lib}/blobs/missing`: which of these files the server lacks.
///
/// A client asks once for every file it holds (not once per file), then uploads
/// those in the answer. Hashes are SHA-256 as 64 lowercase hex digits; anything
/// else is refused with the index of the first bad one.
///
/// ```json
/// {"sha256":["3a7f…","9c01…"]}
/// ```
public struct BlobsMissingRequest: WireMessage, Hashable {
    /// The most hashes one request may hold.
    public static let maxHashes = 10_000

    /// The hashes asked about, in the order given.
    public var hashes: [FileHash]

    /// Creates a value from its fields.
    public init(hashes: [FileHash]) { self.hashes = hashes }

    /// Reads the message from JSON.
    public init(json: JSONValue) throws(WireFormatError) {
        hashes = try WireObject(json).hashes("sha256", atMost: Self.maxHashes)
    }

    /// Writes the message as canonical JSON.
    public func write(to out: inout String) {
        var w = WireWriter()
        w.array("sha256", hashes, &out) { hash, out in JSONValue.string(hash.hex).write(to: &out) }
        w.close(&out)
    }
}

/// The answer to ``BlobsMissingRequest``: the hashes the server lacks, each once, in
/// the order they were asked.
public struct BlobsMissing: WireMessage, Hashable {
    /// The files to upload.
    public var missing: [FileHash]

    /// Creates a value from its fields.
    public init(missing: [FileHash]) { self.missing = missing }

    /// Reads the message from JSON.
    public init(json: JSONValue) throws(WireFormatError) {
        missing = try WireObject(json).hashes("missing", atMost: nil)
    }

    /// Writes the message as canonical JSON.
    public func write(to out: inout String) {
        var w = WireWriter()
        w.array("missing", missing, &out) { hash, out in JSONValue.string(hash.hex).write(to: &out) }
        w.close(&out)
    }
}

extension WireObject {
    /// An array of SHA-256 hashes (64 lowercase hex digits), at most `limit` of them.
    func hashes(_ key: String, atMost limit: Int?) throws(WireFormatError) -> [FileHash] {
        let items = try array(key)
        if let limit, items.count > limit {
            throw WireFormatError(path: at(key), reason: "at most \(limit) hashes in one request; this one has \(items.count)")
        }
        var hashes: [FileHash] = []
        hashes.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item, let hash = FileHash(text) else {
                throw WireFormatError(path: "\(at(key))[\(index)]", reason: "expected a SHA-256 as 64 lowercase hex digits")
            }
            hashes.append(hash)
        }
        return hashes
    }
}
