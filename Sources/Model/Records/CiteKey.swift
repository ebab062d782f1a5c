import Foundation

/// Citation keys: the handle a LaTeX document cites a paper by (`\cite{vaswani2017attention}`).
///
/// A paper gets its key once, when it enters the library (the key its BibTeX
/// source gave it, when usable and free, else one made from the first author's
/// family name, the year and the first significant title word) and keeps it: a
/// document that cites it keeps compiling after the paper's metadata is completed.
///
/// ```swift
/// CiteKey.base(authors: ["Ashish Vaswani"], year: 2017, title: "Attention Is All You Need")
/// // "vaswani2017attention"
/// CiteKey.candidates(for: "vaswani2017attention").prefix(3)  // vaswani2017attention, …a, …b
/// ```
public enum CiteKey {
    /// Title words too common to name a paper by.
    static let stopWords: Set<String> = [
        "a", "an", "the", "on", "of", "in", "for", "and", "to", "with", "via", "from", "towards", "toward",
        "is", "are", "at", "by", "do", "does", "how", "what", "when", "why", "can", "we", "your", "you", "all",
    ]

    /// The key made from a paper's metadata: `family` + `year` + `word`, folded to
    /// lower-case ASCII letters and digits. Never empty.
    public static func base(authors: [String], year: Int?, title: String) -> String {
        let family = authors.first.map { ascii(PersonName.familyName(of: $0)) } ?? ""
        var word = ""
        for candidate in title.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            let folded = ascii(String(candidate))
            if !folded.isEmpty, !stopWords.contains(folded) { word = folded; break }
        }
        let key = (family.isEmpty ? "anon" : family) + (year.map(String.init) ?? "") + word
        return key
    }

    /// `key`, then `key` with `a`, `b`, … `z`, `aa`, `ab`, …: the order in which a
    /// key already taken is made unique, as bibliography tools do.
    public static func candidates(for key: String) -> some Sequence<String> {
        (0...).lazy.map { index in index == 0 ? key : key + suffix(index - 1) }
    }

    /// Whether a key from a source can be kept as written: non-empty, at most 250
    /// characters of printable ASCII, none of which bibtex, biber or LaTeX's `\cite`
    /// read otherwise: white space, `, { } ( ) " = # % \ ~`. So `o'neil2020`,
    /// `Smith:2020!` and `doe[2019]` are kept; a key with non-ASCII letters, which
    /// pdfLaTeX cannot `\cite`, is given a new one.
    public static func isUsable(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 250 && key.utf8.allSatisfy { byte in
            guard byte > 0x20, byte < 0x7F else { return false }
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "("), UInt8(ascii: ")"),
                 UInt8(ascii: "\""), UInt8(ascii: "="), UInt8(ascii: "#"), UInt8(ascii: "%"), UInt8(ascii: "\\"),
                 UInt8(ascii: "~"): return false
            default: return true
            }
        }
    }

    /// `a`…`z`, `aa`, `ab`, … for 0, 1, 2, …
    static func suffix(_ index: Int) -> String {
        var index = index
        var letters: [Character] = []
        repeat {
            letters.append(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(index % 26))))
            index = index / 26 - 1
        } while index >= 0
        return String(letters.reversed())
    }

    /// Lower-case ASCII letters and digits of a text, accents folded away (`Gödel` → `godel`).
    static func ascii(_ text: String) -> String {
        let folded = text.utf8.allSatisfy({ $0 < 0x80 }) ? text : text.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        var out = ""
        for scalar in folded.unicodeScalars where scalar.isASCII {
            let c = Character(scalar)
            if c.isLetter || c.isNumber { out.append(Character(c.lowercased())) }
        }
        return out
    }
}
