import CCurl

/// Why a request got no answer: the server could not be reached, the transfer was
/// cut or timed out, or libcurl is missing. An answer with any status is not a failure.
public struct HTTPFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as far as a caller needs to tell it apart.
    public enum Kind: Sendable, Hashable {
        /// The host name was not found.
        case hostNotFound
        /// Nothing listens there (the connection was refused).
        case refused
        /// No answer within the time allowed.
        case timedOut
        /// The connection was cut while sending or receiving.
        case cut
        /// The request was cancelled.
        case cancelled
        /// libcurl is not installed on this machine.
        case notInstalled
        /// The file being downloaded is larger than allowed.
        case tooLarge
        /// The server answered another byte range than the one asked for.
        case badRange
        /// Redirects led to more redirects, ten times.
        case redirectLoop
        /// Anything else (TLS, a bad URL, ...); see ``HTTPFailure/reason``.
        case other
    }

    /// What went wrong.
    public var kind: Kind
    /// libcurl's own words, for what ``kind`` does not say.
    public var reason: String

    /// Creates a failure.
    public init(kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// A failure from libcurl's error code.
    init(code: Int32, reason: String) {
        let kind: Kind = switch code {
        case Int32(READER_CURL_COULDNT_RESOLVE_HOST): .hostNotFound
        case Int32(READER_CURL_COULDNT_CONNECT): .refused
        case Int32(READER_CURL_OPERATION_TIMEDOUT): .timedOut
        case Int32(READER_CURL_ABORTED_BY_CALLBACK): .cancelled
        case Int32(READER_CURL_PARTIAL_FILE), Int32(READER_CURL_GOT_NOTHING), Int32(READER_CURL_SEND_ERROR), Int32(READER_CURL_RECV_ERROR): .cut
        case Int32(READER_CURL_NOT_LOADED): .notInstalled
        case Int32(READER_CURL_TOO_MANY_REDIRECTS): .redirectLoop
        default: .other
        }
        self.init(kind: kind, reason: reason)
    }

    /// A short account for a terminal: "the connection was refused".
    public var description: String {
        switch kind {
        case .hostNotFound: "the host name was not found"
        case .refused: "the connection was refused"
        case .timedOut: "the request timed out"
        case .cut: "the connection was cut"
        case .cancelled: "the request was cancelled"
        case .tooLarge: "the file is larger than allowed"
        case .badRange: "the server answered another part of the file than the one asked for"
        case .redirectLoop: "the server redirected too many times (a redirect loop)"
        case .notInstalled, .other: reason
        }
    }
}
