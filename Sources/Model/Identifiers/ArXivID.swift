/// An arXiv identifier, normalized, with its version kept apart.
///
/// Accepts every form researchers paste: `2405.12345`, `2405.12345v3`,
/// `arXiv:2405.12345`, `https://arxiv.org/abs/2405.12345v2`,
/// `https://arxiv.org/pdf/2405.12345.pdf`, and old-style ids such as
/// `hep-th/9901001` or `math.GT/0309136`.
///
/// ```swift
/// let id = ArXivID("https://arxiv.org/abs/2405.12345v2")!
/// id.id        // "2405.12345"
/// id.version   // 2
/// ```
public struct ArXivID: Hashable, Sendable, CustomStringConvertible {
    /// The identifier without version: `2405.12345` or `hep-th/9901001`.
    public let id: String
    /// The version number, when one was given.
    public let version: Int?

    /// Parses `text`; nil when it is not one.
    public init?(_ text: String) {
        var rest = Substring(text.trimmingWhitespace())
        for prefix in ["https://", "http://"] where rest.lowercased().hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
        }
        let lower = rest.lowercased()
        var sawURL = false
        for host in ["www.arxiv.org/", "export.arxiv.org/", "arxiv.org/"] where lower.hasPrefix(host) {
            rest = rest.dropFirst(host.count)
            sawURL = true
            break
        }
        if sawURL {
            let lowerPath = rest.lowercased()
            guard let kind = ["abs/", "pdf/", "html/"].first(where: { lowerPath.hasPrefix($0) }) else { return nil }
            rest = rest.dropFirst(kind.count)
            if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
            while rest.hasSuffix("/") { rest = rest.dropLast() }
            if rest.lowercased().hasSuffix(".pdf") { rest = rest.dropLast(4) }
        } else if lower.hasPrefix("arxiv:") {
            rest = rest.dropFirst(6)
        }
        guard let parsed = ArXivID.parseBare(rest) else { return nil }
        self.id = parsed.id
        self.version = parsed.version
    }

    /// An arXiv id from its stored parts; nil when `id` is not a version-less arXiv id.
    public init?(id: String, version: Int?) {
        guard let parsed = ArXivID.parseBare(Substring(id)), parsed.version == nil else { return nil }
        self.id = parsed.id
        self.version = version
    }

    /// `2405.12345v2` or `2405.12345` without a version.
    public var description: String { version.map { "\(id)v\($0)" } ?? id }

    private static func parseBare(_ text: Substring) -> (id: String, version: Int?)? {
        // Every valid form is ASCII: read it as bytes (this runs for every paper read
        // from the library, so it avoids Character-by-Character work).
        var utf8 = Array(text.utf8)
        var version: Int?
        if let v = utf8.lastIndex(where: { $0 == UInt8(ascii: "v") || $0 == UInt8(ascii: "V") }) {
            let digits = utf8[(v + 1)...]
            if !digits.isEmpty, digits.count <= 18, digits.allSatisfy(isDigit) {
                version = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
                utf8.removeSubrange(v...)
            }
        }
        if let slash = utf8.firstIndex(of: UInt8(ascii: "/")) {
            // Old style: archive(.SUBJ)?/YYMMNNN
            let archive = utf8[..<slash]
            let number = utf8[(slash + 1)...]
            guard number.count == 7, number.allSatisfy(isDigit),
                  let first = archive.first, isLetter(first),
                  archive.allSatisfy({ isLetter($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
            else { return nil }
            // The archive in lower case, its subject class (after a dot) in upper case;
            // a dot with nothing after it is dropped.
            let dot = archive.firstIndex(of: UInt8(ascii: ".")) ?? archive.endIndex
            var normalized = archive[..<dot].map(lower)
            if dot + 1 < archive.endIndex {
                normalized.append(UInt8(ascii: "."))
                normalized.append(contentsOf: archive[(dot + 1)...].map(upper))
            }
            normalized.append(UInt8(ascii: "/"))
            normalized.append(contentsOf: number)
            return (String(decoding: normalized, as: UTF8.self), version)
        }
        // New style: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015 on).
        guard utf8.count == 9 || utf8.count == 10, utf8[4] == UInt8(ascii: "."),
              utf8[..<4].allSatisfy(isDigit), utf8[5...].allSatisfy(isDigit)
        else { return nil }
        let month = Int(utf8[2] - UInt8(ascii: "0")) * 10 + Int(utf8[3] - UInt8(ascii: "0"))
        guard (1...12).contains(month) else { return nil }
        return (String(decoding: utf8, as: UTF8.self), version)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    private static func lower(_ byte: UInt8) -> UInt8 { isLetter(byte) ? byte | 0x20 : byte }
    private static func upper(_ byte: UInt8) -> UInt8 { isLetter(byte) ? byte & ~0x20 : byte }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}

extension StringProtocol {
    /// The text without leading and trailing white space and newlines.
    func trimmingWhitespace() -> Substring {
        let s = Substring(self)
        guard let start = s.firstIndex(where: { !$0.isWhitespace }),
              let end = s.lastIndex(where: { !$0.isWhitespace }) else { return s[s.endIndex...] }
        return s[start...end]
    }
}
