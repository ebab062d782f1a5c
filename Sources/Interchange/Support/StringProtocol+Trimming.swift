extension StringProtocol where SubSequence == Substring {
    /// The text without the spaces and tabs at its ends: what
    /// `trimmingCharacters(in: .whitespaces)` gives, without Foundation's round
    /// trip through UTF-16, which
    /// took a third of the time of reading a pasted listing of 100,000 papers.
    ///
    /// ```swift
    /// "\t Attention Is All You Need\u{00A0}".trimmingSpaces()  // "Attention Is All You Need"
    /// ```
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isSpace }),
              let last = scalars.lastIndex(where: { !$0.isSpace }) else { return "" }
        return String(self[first..<scalars.index(after: last)])
    }
}

extension Unicode.Scalar {
    /// A member of `CharacterSet.whitespaces` as Foundation on Linux has it: tab,
    /// the space separators (`Zs`) and the zero-width space U+200B.
    var isSpace: Bool {
        switch value {
        case 0x20, 0x09, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}
