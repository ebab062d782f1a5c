import Foundation

/// Text rules shared by matching, ids and storage.
public enum TextNormalization {
    /// The key used to match titles and names across sources: case, accents,
    /// width and punctuation folded away, words joined by single spaces.
    ///
    /// ```swift
    /// TextNormalization.matchKey("Attention Is All You Need!")  // "attention is all you need"
    /// ```
    public static func matchKey(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiMatchKey(text) }
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var out = ""
        out.reserveCapacity(folded.utf8.count)
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return out
    }

    /// ``matchKey(_:)`` for ASCII text, without Foundation's folding.
    static func asciiMatchKey(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                out.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                out.append(byte + 32)
            default:
                pendingSpace = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Stored text: Unicode NFC with `\n` line ends, as the sync design requires.
    public static func storedText(_ text: String) -> String {
        var hasReturn = false, isASCII = true
        for byte in text.utf8 {
            if byte == 0x0D { hasReturn = true }
            if byte >= 0x80 { isASCII = false }
        }
        var result = text
        if hasReturn {
            result = result.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        if !isASCII {
            result = result.precomposedStringWithCanonicalMapping
        }
        return result
    }

    /// A single-line field (title, author, venue): NFC, white space runs collapsed.
    public static func singleLine(_ text: String) -> String {
        storedText(text).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// Rules for people's names as they appear in author lists.
public enum PersonName {
    /// The family name: the part before a comma (`Vaswani, Ashish`), else the last word.
    public static func familyName(of name: String) -> String {
        if let comma = name.firstIndex(of: ",") {
            return String(name[..<comma].trimmingWhitespace())
        }
        return name.split(whereSeparator: \.isWhitespace).last.map(String.init) ?? ""
    }
}

extension PersonName {
    /// Name suffixes written after the family name.
    static let suffixes: Set<String> = ["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"]

    /// A name split as bibliographies need it: the given names, the family name
    /// with its lower-case particles (`van Beethoven`, `de la Fontaine`), and a
    /// suffix (`Jr.`). A name of one word is all family name.
    ///
    /// ```swift
    /// PersonName.parts(of: "Ludwig van Beethoven")    // ("Ludwig", "van Beethoven", nil)
    /// PersonName.parts(of: "Martin Luther King Jr.")  // ("Martin Luther", "King", "Jr.")
    /// ```
    public static func parts(of name: String) -> (given: String, family: String, suffix: String?) {
        if let comma = name.firstIndex(of: ",") {
            let family = name[..<comma].trimmingWhitespace()
            let given = name[name.index(after: comma)...].trimmingWhitespace()
            return (String(given), String(family), nil)
        }
        var words = name.split(whereSeparator: \.isWhitespace).map(String.init)
        var suffix: String?
        if words.count > 2, let last = words.last, suffixes.contains(last.lowercased()) {
            suffix = last
            words.removeLast()
        }
        guard words.count > 1 else { return ("", words.first ?? "", suffix) }
        var start = words.count - 1
        while start > 1, words[start - 1].first?.isLowercase == true { start -= 1 }
        return (words[..<start].joined(separator: " "), words[start...].joined(separator: " "), suffix)
    }
}
