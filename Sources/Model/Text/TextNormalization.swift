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

    /// Stored text: Unicode NFC with `\n` line ends, as the sync design requires.
    public static func storedText(_ text: String) -> String {
        var result = text
        if result.contains("\r") {
            result = result.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        if !result.unicodeScalars.allSatisfy(\.isASCII) {
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
