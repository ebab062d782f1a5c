/// A message that is not what the protocol says: its JSON path and what is wrong.
///
/// ```
/// changes[3].hlc: expected an HLC like 1732660000123-0004-8f3a1b2c3d4e5f60
/// ```
public struct WireFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where in the message, as a JSON path (`changes[3].hlc`), or empty for the whole body.
    public var path: String
    /// What is wrong.
    public var reason: String

    /// Creates a value from its fields.
    public init(path: String, reason: String) { self.path = path; self.reason = reason }

    /// The text form.
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}
