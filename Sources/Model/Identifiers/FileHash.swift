/// The SHA-256 of a file's bytes, as 64 lowercase hex digits: the name of the file
/// in the content-addressed store (`<library>.files/sha256/ab/cd/<hex>`), on the
/// wire and on the sync server.
///
/// The only way a path is made from anything a record carries: a value that is
/// not 64 lowercase hex digits (`../../etc/passwd`, an upper-case digest, a NUL)
/// is not a ``FileHash``, so it cannot name a file.
///
/// ```swift
/// FileHash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")   // a hash
/// FileHash("../x")                                                                // nil
/// ```
public struct FileHash: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 64 lowercase hex digits.
    public let hex: String

    /// The hash written as `text`, when it is 64 lowercase hex digits.
    public init?(_ text: String) {
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        hex = text
    }

    /// The hash of `bytes`.
    public init(of bytes: [UInt8]) {
        hex = SHA256.hex(of: bytes)
    }

    /// The hash a finished ``SHA256`` computed.
    public init(_ hasher: consuming SHA256) {
        hex = hasher.finalize()
    }

    /// The first twelve digits, enough to tell files apart on a terminal.
    public var short: String { String(hex.prefix(12)) }

    /// The hex digits.
    public var description: String { hex }

    public static func < (lhs: FileHash, rhs: FileHash) -> Bool { lhs.hex < rhs.hex }
}
