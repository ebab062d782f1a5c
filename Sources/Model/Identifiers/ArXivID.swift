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
        var body = text
        var version: Int?
        if let v = body.lastIndex(where: { $0 == "v" || $0 == "V" }) {
            let digits = body[body.index(after: v)...]
            if !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let number = Int(digits) {
                version = number
                body = body[..<v]
            }
        }
        if let slash = body.firstIndex(of: "/") {
            // Old style: archive(.SUBJ)?/YYMMNNN
            let archive = body[..<slash]
            let number = body[body.index(after: slash)...]
            guard number.count == 7, number.allSatisfy(\.isASCIIDigit),
                  !archive.isEmpty,
                  archive.allSatisfy({ $0.isASCIILetter || $0 == "-" || $0 == "." }),
                  archive.first?.isASCIILetter == true
            else { return nil }
            var parts = archive.split(separator: ".", maxSplits: 1)
            parts[0] = Substring(parts[0].lowercased())
            if parts.count == 2 { parts[1] = Substring(parts[1].uppercased()) }
            return (parts.joined(separator: ".") + "/" + number, version)
        }
        // New style: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015 on).
        let pieces = body.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 2,
              pieces[0].count == 4, pieces[0].allSatisfy(\.isASCIIDigit),
              pieces[1].count == 4 || pieces[1].count == 5, pieces[1].allSatisfy(\.isASCIIDigit),
              let month = Int(pieces[0].suffix(2)), (1...12).contains(month)
        else { return nil }
        return (String(body), version)
    }
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
