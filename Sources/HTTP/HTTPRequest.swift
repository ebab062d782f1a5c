import Foundation

/// One HTTP request for ``HTTPClient``.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, `PUT`, `HEAD`, ...
    public var method: String
    /// An `http` or `https` URL.
    public var url: URL
    /// Header fields, sent in this order.
    public var headers: [(name: String, value: String)]
    /// The body, if any.
    public var body: Data?
    /// Seconds to connect, and the longest silence while receiving.
    public var timeout: TimeInterval
    /// Seconds for the whole transfer (default: four times ``timeout``).
    public var totalTimeout: TimeInterval?

    /// Creates a request.
    public init(method: String = "GET", url: URL, headers: [(name: String, value: String)] = [], body: Data? = nil, timeout: TimeInterval = 30, totalTimeout: TimeInterval? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.totalTimeout = totalTimeout
    }
}
