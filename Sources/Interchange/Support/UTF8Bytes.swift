/// Byte classes for the parsers and writers that work on UTF-8 directly: the
/// syntax of BibTeX, LaTeX, RIS and XML is ASCII, so a byte below 0x80 is the
/// character it looks like and every other byte belongs to some other character.
enum UTF8Bytes {
    /// ASCII white space: space, tab, line feed, vertical tab, form feed, carriage return.
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// `0`-`9`.
    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `a`-`z` and `A`-`Z`.
    @inline(__always)
    static func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) }

    /// How many bytes the UTF-8 sequence that starts with `lead` has.
    @inline(__always)
    static func sequenceLength(_ lead: UInt8) -> Int { lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1 }
}
