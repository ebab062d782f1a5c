import Foundation

/// What a server answered: the status, the header fields and the whole body.
public struct HTTPResponse: Sendable {
    /// The HTTP status code of the last response (after redirects).
    public var status: Int
    /// The header fields of the last response, in order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The body, decompressed.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header field, matched without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// A response from the raw header block libcurl received (status line, then one
    /// field per line).
    init(status: Int, headerText: String, body: Data) {
        var headers: [(name: String, value: String)] = []
        for line in headerText.split(whereSeparator: \.isNewline).dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        self.init(status: status, headers: headers, body: body)
    }
}
