/// An error the CLI reports as it is.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// A command line that cannot work as typed: reported as it is, with exit status
/// 64 (EX_USAGE), without the usage text swift-argument-parser would add.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
