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
        var text = text
        let (hasReturn, isNFC) = text.withUTF8 { bytes in
            (bytes.contains(0x0D), isCertainlyNFC(bytes))
        }
        var result = text
        if hasReturn {
            result = result.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        if !isNFC {
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
        var text = text
        return text.withUTF8 { bytes -> String? in
            // Quick scan: most text has nothing to collapse.
            var needsWork = bytes.first == 0x20 || bytes.last == 0x20
            var previousSpace = false
            var k = 0
            while k < bytes.count, !needsWork {
                let byte = bytes[k]
                if byte == 0x20 {
                    if previousSpace { needsWork = true }
                    previousSpace = true
                } else {
                    previousSpace = false
                    switch byte {
                    case 0x09...0x0D: needsWork = true
                    // The non-ASCII white space: U+0085, U+00A0, U+1680, U+2000-200A, U+2028,
                    // U+2029, U+202F, U+205F, U+3000, by their UTF-8 lead bytes.
                    case 0xC2: needsWork = k + 1 < bytes.count && (bytes[k + 1] == 0x85 || bytes[k + 1] == 0xA0)
                    case 0xE1: needsWork = k + 2 < bytes.count && bytes[k + 1] == 0x9A && bytes[k + 2] == 0x80
                    case 0xE2:
                        if k + 2 < bytes.count {
                            let (b1, b2) = (bytes[k + 1], bytes[k + 2])
                            needsWork = (b1 == 0x80 && (b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF)) || (b1 == 0x81 && b2 == 0x9F)
                        }
                    case 0xE3: needsWork = k + 2 < bytes.count && bytes[k + 1] == 0x80 && bytes[k + 2] == 0x80
                    default: break
                    }
                }
                k += 1
            }
            guard needsWork else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                var width = 1
                var isSpace = false
                if byte < 0x80 {
                    isSpace = byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
                } else {
                    if let (scalar, length) = Self.scalar(in: bytes, at: index) {
                        width = length
                        isSpace = scalar == 0x85 || scalar == 0xA0 || scalar == 0x1680 || (0x2000...0x200A).contains(scalar)
                            || scalar == 0x2028 || scalar == 0x2029 || scalar == 0x202F || scalar == 0x205F || scalar == 0x3000
                    }
                }
                if isSpace {
                    if !out.isEmpty { pendingSpace = true }
                } else {
                    if pendingSpace {
                        out.append(0x20)
                        pendingSpace = false
                    }
                    out.append(contentsOf: bytes[index..<(index + width)])
                }
                index += width
            }
            return String(decoding: out, as: UTF8.self)
        } ?? text
    }

    /// The scalar whose UTF-8 sequence starts at `index` (a lead byte of 0xC0 or
    /// more), and the sequence's length; nil for a stray or cut sequence.
    @inline(__always)
    static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int)? {
        let lead = bytes[index]
        let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard width > 1, index + width <= bytes.count else { return nil }
        var scalar = UInt32(lead) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
        for k in 1..<width { scalar = scalar << 6 | UInt32(bytes[index + k] & 0x3F) }
        return (scalar, width)
    }

    /// Whether UTF-8 text is certainly in NFC without normalizing it: every
    /// scalar is below U+0300 (where nothing composes) or in a block whose
    /// characters are all NFC and never combine (CJK ideographs, kana, Hangul
    /// syllables, emoji). False means "maybe": normalize to be sure.
    static func isCertainlyNFC(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 { index += 1; continue }
            guard let (scalar, width) = Self.scalar(in: bytes, at: index) else { return false }
            let safe = scalar < 0x300 || (0x4E00...0x9FFF).contains(scalar) || (0x3040...0x3098).contains(scalar)
                || (0x309B...0x30FF).contains(scalar) || (0xAC00...0xD7A3).contains(scalar) || (0x1F300...0x1FAFF).contains(scalar)
            guard safe else { return false }
            index += width
        }
        return true
    }
}
