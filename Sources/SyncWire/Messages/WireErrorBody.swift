import Model

/// The error codes of protocol v1, each with its HTTP status.
public enum WireErrorCode: String, Hashable, Sendable, CaseIterable {
    /// 400: the request itself is wrong (query parameters, headers).
    case badRequest = "bad_request"
    /// 401: no token, or not one the server knows (or it was revoked).
    case unauthorized
    /// 404: no such library for this token, or no such path.
    case notFound = "not_found"
    /// 405: the path exists but not with this method.
    case methodNotAllowed = "method_not_allowed"
    /// 409: the batch's first `nseq` is past the next one the server expects.
    case nseqGap = "nseq_gap"
    /// 409: `nseq` numbers reused with a different body: the client's database was restored.
    case nodeRewound = "node_rewound"
    /// 413: more than 500 changes or 1 MiB in one push.
    case payloadTooLarge = "payload_too_large"
    /// 413: storing this file would pass the library's quota of stored files
    /// (`used_bytes` and `quota_bytes` say how far it is).
    case quotaExceeded = "quota_exceeded"
    /// 416: a `Range` outside the file.
    case rangeNotSatisfiable = "range_not_satisfiable"
    /// 415: the body is not JSON.
    case unsupportedMediaType = "unsupported_media_type"
    /// 422: the body is not valid JSON or not a valid message; nothing was applied.
    case invalidBody = "invalid_body"
    /// 422: an uploaded file's bytes do not have the SHA-256 it was sent under; nothing was kept.
    case hashMismatch = "hash_mismatch"
    /// 422: a pushed clock is more than 5 minutes ahead of the server's.
    case clockSkew = "clock_skew"
    /// 426: the client's protocol is older than the server serves.
    case upgradeRequired = "upgrade_required"
    /// 429: the token already holds as many waiting pulls (`changes?wait=`) as it may.
    case tooManyWaiters = "too_many_waiters"
    /// 500: the server failed; the request can be retried.
    case internalError = "internal_error"
    /// 503: the server is shutting down or its database is busy; retry later.
    case unavailable

    /// The HTTP status that carries this code.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .unauthorized: 401
        case .notFound: 404
        case .methodNotAllowed: 405
        case .nseqGap, .nodeRewound: 409
        case .payloadTooLarge, .quotaExceeded: 413
        case .unsupportedMediaType: 415
        case .rangeNotSatisfiable: 416
        case .invalidBody, .clockSkew, .hashMismatch: 422
        case .upgradeRequired: 426
        case .tooManyWaiters: 429
        case .internalError: 500
        case .unavailable: 503
        }
    }
}

/// An error answer: `{"error":"code","message":"..."}` plus details some codes carry.
public struct WireErrorBody: WireMessage, Hashable, Error, CustomStringConvertible {
    /// The error code (a ``WireErrorCode`` raw value; unknown codes are kept as text).
    public var error: String
    /// What went wrong, for a person.
    public var message: String
    /// The server's clock (on `clock_skew`, and whenever known).
    public var serverTimeMillis: Int64?
    /// On `nseq_gap` and `node_rewound`: the last `nseq` the server acknowledged from this node.
    public var lastNseq: Int64?
    /// On `quota_exceeded`: the bytes of the library's stored files.
    public var usedBytes: Int64?
    /// On `quota_exceeded`: the most the library's stored files may take.
    public var quotaBytes: Int64?

    /// Creates a value from its fields.
    public init(_ code: WireErrorCode, _ message: String, serverTimeMillis: Int64? = nil, lastNseq: Int64? = nil,
                usedBytes: Int64? = nil, quotaBytes: Int64? = nil) {
        self.error = code.rawValue; self.message = message
        self.serverTimeMillis = serverTimeMillis; self.lastNseq = lastNseq
        self.usedBytes = usedBytes; self.quotaBytes = quotaBytes
    }

    /// The code, when it is one this client knows.
    public var code: WireErrorCode? { WireErrorCode(rawValue: error) }

    /// Reads the message from JSON.
    public init(json: JSONValue) throws(WireFormatError) {
        let object = try WireObject(json)
        error = try object.string("error")
        message = try object.string("message")
        serverTimeMillis = try object.optionalInt("server_time_ms")
        lastNseq = try object.optionalInt("last_nseq")
        usedBytes = try object.optionalInt("used_bytes")
        quotaBytes = try object.optionalInt("quota_bytes")
    }

    /// Writes the message as canonical JSON.
    public func write(to out: inout String) {
        var w = WireWriter()
        w.string("error", error, &out)
        w.int("last_nseq", lastNseq, &out)
        w.string("message", message, &out)
        w.int("quota_bytes", quotaBytes, &out)
        w.int("server_time_ms", serverTimeMillis, &out)
        w.int("used_bytes", usedBytes, &out)
        w.close(&out)
    }

    /// The text form.
    public var description: String { "\(error): \(message)" }
}
