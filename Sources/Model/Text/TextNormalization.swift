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
        collapsingWhitespace(storedText(text))
    }

    /// Runs of white space (Unicode `White_Space`) as one space, none at either end.
    ///
    /// Works on UTF-8 bytes: white space is ASCII or one of a short list of
    /// scalars, so no grapheme breaking or property lookup is needed, which makes
    /// it many times faster than splitting on `Character.isWhitespace`.
    public static func collapsingWhitespace(_ text: String) -> String {
        var out: [UInt8] = []
        var changed = false
        var pendingSpace = false
        let bytes = text.utf8
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            var width = 1
            var isSpace = false
            if byte < 0x80 {
                isSpace = byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
                if isSpace && byte != 0x20 { changed = true }
            } else {
                width = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                if width > 1, bytes.distance(from: index, to: bytes.endIndex) >= width {
                    var scalar = UInt32(byte) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
                    var next = bytes.index(after: index)
                    for _ in 1..<width { scalar = scalar << 6 | UInt32(bytes[next] & 0x3F); next = bytes.index(after: next) }
                    isSpace = scalar == 0x85 || scalar == 0xA0 || scalar == 0x1680 || (0x2000...0x200A).contains(scalar)
                        || scalar == 0x2028 || scalar == 0x2029 || scalar == 0x202F || scalar == 0x205F || scalar == 0x3000
                    if isSpace { changed = true }
                } else {
                    width = 1
                }
            }
            if isSpace {
                if !out.isEmpty { pendingSpace = true }
            } else {
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                var copy = index
                for _ in 0..<width { out.append(bytes[copy]); copy = bytes.index(after: copy) }
            }
            index = bytes.index(index, offsetBy: width)
        }
        // Same length and no space other than U+0020 replaced: nothing changed.
        guard changed || out.count != bytes.count else { return text }
        return String(decoding: out, as: UTF8.self)
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
