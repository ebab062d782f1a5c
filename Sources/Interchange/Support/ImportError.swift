/// A record that cannot be imported: which file, which line, and why.
///
/// ```
/// trending.txt:42: expected a paper title, found a 1,384-character paragraph
/// ```
public struct ImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file, as the user named it.
    public let file: String
    /// 1-based line where the bad record starts; nil when the file as a whole is wrong.
    public let line: Int?
    /// What is wrong, in words for a terminal.
    public let reason: String

    /// Creates a value from its fields.
    public init(file: String, line: Int?, reason: String) {
        self.file = file; self.line = line; self.reason = reason
    }

    /// The text form.
    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
