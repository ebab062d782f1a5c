/// A Digital Object Identifier, compared without case and shown as given.
///
/// DOIs are case-insensitive, so `10.1234/ABC` and `10.1234/abc` are one paper
/// (equality and hashing use ``value``, the lower-case form), but a DOI is shown
/// and exported as its source wrote it (``written``): `10.1103/PhysRevLett.116.061102`.
/// Accepts `10.1234/abc`, `doi:10.1234/abc`, `https://doi.org/10.1234/abc`,
/// `https://dx.doi.org/...` and `http://doi.acm.org/...`, with percent-encoding in
/// URLs decoded, and shortDOIs (`10/b8tv`).
///
/// ```swift
/// DOI("https://doi.org/10.1145/3442188.3445922")?.value  // "10.1145/3442188.3445922"
/// ```
public struct DOI: Hashable, Sendable, CustomStringConvertible {
    /// The normalized DOI: `10.` prefix, registrant, `/`, suffix, lower case; what
    /// identifies the work.
    public let value: String
    /// The DOI as its source gave it, without a resolver or `doi:` prefix.
    public let written: String

    /// Parses `text`; nil when it is not one.
    public init?(_ text: String) {
        if let bare = DOI(bareASCII: text) { self = bare; return }
        var rest = Substring(text.trimmingWhitespace())
        var fromURL = false
        for prefix in ["https://", "http://"] where rest.lowercased().hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
            fromURL = true
        }
        if fromURL {
            let lower = rest.lowercased()
            guard let host = Self.hosts.first(where: { lower.hasPrefix($0) }) else { return nil }
            rest = rest.dropFirst(host.count)
        } else if rest.lowercased().hasPrefix("doi:") {
            rest = rest.dropFirst(4).trimmingWhitespace()
        }
        var candidate = String(rest)
        if fromURL, let decoded = candidate.removingPercentEncodingASCII() { candidate = decoded }
        let lower = candidate.lowercased()
        // A shortDOI (shortdoi.org): `10/` and a short code of letters and digits.
        if lower.hasPrefix("10/"), lower.count > 3, lower.dropFirst(3).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            (value, written) = (lower, candidate)
            return
        }
        guard lower.hasPrefix("10."),
              let slash = lower.firstIndex(of: "/"),
              lower.index(after: slash) < lower.endIndex
        else { return nil }
        let registrant = lower[lower.index(lower.startIndex, offsetBy: 3)..<slash]
        guard registrant.count >= 4, registrant.allSatisfy({ $0.isASCIIDigit || $0 == "." }),
              !lower.contains(where: { $0.isWhitespace })
        else { return nil }
        (value, written) = (lower, candidate)
    }

    /// The common case on bytes: a bare ASCII DOI without spaces (`10.1103/PhysRevLett.116.061102`),
    /// as the library stores them and most sources write them; nil for anything
    /// else, which the general reading above decides. (Every stored paper's DOI is
    /// read this way, so it avoids the general path's Character-by-Character work.)
    private init?(bareASCII text: String) {
        var lower = text
        let valid = lower.withUTF8 { bytes -> Bool in
            guard bytes.count > 3, bytes[0] == UInt8(ascii: "1"), bytes[1] == UInt8(ascii: "0"), bytes[2] == UInt8(ascii: ".") else { return false }
            var slash: Int?
            for (index, byte) in bytes.enumerated() {
                guard byte > 0x20, byte < 0x7F else { return false }
                if slash == nil, byte == UInt8(ascii: "/") { slash = index }
            }
            guard let slash, slash - 3 >= 4, slash + 1 < bytes.count else { return false }
            return bytes[3..<slash].allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
        }
        guard valid else { return nil }
        if text.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
            lower = String(decoding: text.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
        (value, written) = (lower, text)
    }

    public static func == (lhs: DOI, rhs: DOI) -> Bool { lhs.value == rhs.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// The resolvers whose URLs hold a DOI after the host.
    static let hosts = ["doi.org/", "dx.doi.org/", "www.doi.org/", "doi.acm.org/", "dx.doi.acm.org/", "doi.ieeecomputersociety.org/",
                        "doi.wiley.com/", "hdl.handle.net/"]

    /// The text form, as written.
    public var description: String { written }
}

extension String {
    /// Decodes `%XX` escapes; nil when an escape is malformed or not UTF-8.
    func removingPercentEncodingASCII() -> String? {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let h = iterator.next(), let l = iterator.next(),
                      let value = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
