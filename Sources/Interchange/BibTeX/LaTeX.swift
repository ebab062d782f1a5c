import Model

/// Turns the LaTeX found in BibTeX field values into plain Unicode text.
///
/// Accents (`{\"o}`, `\'e`, `\c{c}`), special letters (`\ss`, `\o`, `\ae`), escaped
/// characters (`\&`, `\%`, `\_`), dashes (`--`, `---`), quotes (``` `` ''' ```),
/// `~` and protective braces (`{BERT}`) become what they print as; math between
/// `$` signs is kept as written, since no plain text says it better.
///
/// ```swift
/// LaTeX.toUnicode(#"G{\"o}del's {$f$-Divergence} --- na\"{\i}ve"#)  // "Gödel's $f$-Divergence — naïve"
/// ```
public enum LaTeX {
    /// Combining marks for accent commands.
    static let accents: [Character: Unicode.Scalar] = [
        "\"": "\u{308}", "'": "\u{301}", "`": "\u{300}", "^": "\u{302}", "~": "\u{303}", "=": "\u{304}",
        ".": "\u{307}", "u": "\u{306}", "v": "\u{30C}", "H": "\u{30B}", "c": "\u{327}", "k": "\u{328}",
        "r": "\u{30A}", "d": "\u{323}", "b": "\u{331}",
    ]

    /// Letter commands.
    static let letters: [String: String] = [
        "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
        "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ",
        "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
        "textquotedblleft": "“", "textquotedblright": "”", "ldots": "…", "dots": "…", "textellipsis": "…",
        "textregistered": "®", "texttrademark": "™", "copyright": "©", "S": "§", "P": "¶", "textdegree": "°",
        "LaTeX": "LaTeX", "TeX": "TeX", "textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}",
        "textasciitilde": "~", "textasciicircum": "^", "textunderscore": "_", "textdollar": "$",
    ]

    /// Plain text for a BibTeX value.
    public static func toUnicode(_ text: String) -> String {
        var text = text
        let converted: [UInt8]? = text.withUTF8 { bytes in
            // Most values have nothing to convert: no `\ { } ~ $` and no doubled `-`, `` ` `` or `'`.
            var needsWork = false
            var k = 0
            while k < bytes.count, !needsWork {
                switch bytes[k] {
                case 0x5C, 0x7B, 0x7D, 0x7E, 0x24: needsWork = true
                case let b where b == 0x2D || b == 0x60 || b == 0x27: needsWork = k + 1 < bytes.count && bytes[k + 1] == b
                default: break
                }
                k += 1
            }
            guard needsWork else { return nil }
            var converter = Converter(Array(bytes))
            converter.run()
            return converter.out
        }
        return TextNormalization.storedText(converted.map { String(decoding: $0, as: UTF8.self) } ?? text)
    }

    /// Accent commands by their ASCII byte.
    static let accentMarks: [UInt8: Unicode.Scalar] = Dictionary(uniqueKeysWithValues: accents.compactMap { key, mark in
        key.asciiValue.map { ($0, mark) }
    })

    /// Converts UTF-8 bytes: LaTeX's syntax is ASCII, so everything else is copied.
    struct Converter {
        let chars: [UInt8]
        var i = 0
        var out: [UInt8] = []

        init(_ chars: [UInt8]) {
            self.chars = chars
            out.reserveCapacity(chars.count)
        }

        func next(_ offset: Int) -> UInt8? {
            i + offset < chars.count ? chars[i + offset] : nil
        }

        mutating func append(_ text: String) { out.append(contentsOf: text.utf8) }

        mutating func run() {
            while i < chars.count {
                let c = chars[i]
                switch c {
                case 0x24:  // $
                    // Math: copy through the closing `$` as written.
                    let start = i
                    i += 1
                    while i < chars.count, chars[i] != 0x24 {
                        if chars[i] == 0x5C { i += 1 }
                        i += 1
                    }
                    i = min(i + 1, chars.count)
                    out.append(contentsOf: chars[start..<i])
                case 0x5C:  // \
                    command()
                case 0x7B, 0x7D:  // { }
                    i += 1
                case 0x7E:  // ~
                    append("\u{A0}")
                    i += 1
                case 0x2D where next(1) == 0x2D:  // --, ---
                    if next(2) == 0x2D { append("—"); i += 3 } else { append("–"); i += 2 }
                case 0x60 where next(1) == 0x60:  // ``
                    append("“"); i += 2
                case 0x27 where next(1) == 0x27:  // ''
                    append("”"); i += 2
                default:
                    out.append(c)
                    i += 1
                }
            }
        }

        /// The length of the first character of UTF-8 `bytes`: its first scalar and
        /// the combining marks (U+0300–U+036F) after it.
        static func firstCharacterLength(_ bytes: [UInt8]) -> Int {
            guard let first = bytes.first else { return 0 }
            var length = UTF8Bytes.sequenceLength(first)
            // U+0300–U+036F are 0xCC 0x80 … 0xCD 0xAF in UTF-8.
            while length < bytes.count {
                let b = bytes[length]
                guard b == 0xCC || (b == 0xCD && length + 1 < bytes.count && bytes[length + 1] <= 0xAF) else { break }
                length += 2
            }
            return min(length, bytes.count)
        }

        mutating func command() {
            i += 1
            guard i < chars.count else { out.append(0x5C); return }
            let c = chars[i]
            if let mark = LaTeX.accentMarks[c], !(UTF8Bytes.isLetter(c) && next(1).map(UTF8Bytes.isLetter) == true) {
                // Accent: \"o, \"{o}, \c c, \c{c}, {\"\i}
                i += 1
                while i < chars.count, chars[i] == 0x20, UTF8Bytes.isLetter(c) { i += 1 }
                var base: [UInt8] = []
                if i < chars.count, chars[i] == 0x7B {
                    i += 1
                    let start = i
                    while i < chars.count, chars[i] != 0x7D { i += 1 }
                    var nested = Converter(Array(chars[start..<i]))
                    nested.run()
                    base = nested.out
                    i += 1
                } else if i < chars.count, chars[i] == 0x5C {
                    var nested = Converter(Array(chars[i...]))
                    nested.i = 0
                    nested.command()
                    base = nested.out
                    i += nested.i
                } else if i < chars.count {
                    let length = UTF8Bytes.sequenceLength(chars[i])
                    base = Array(chars[i..<min(i + length, chars.count)])
                    i += length
                }
                // An accent over a dotless i or j (`\"{\i}`) is over the letter itself.
                if base.starts(with: [0xC4, 0xB1]) { base.replaceSubrange(0..<2, with: [0x69]) }
                if base.starts(with: [0xC8, 0xB7]) { base.replaceSubrange(0..<2, with: [0x6A]) }
                // The mark goes after the first letter and any marks it has already
                // (`\~{\^e}` is ễ).
                guard !base.isEmpty else { return }
                let cut = Self.firstCharacterLength(base)
                out.append(contentsOf: base[..<cut])
                out.append(contentsOf: String(mark).utf8)
                out.append(contentsOf: base[cut...])
                return
            }
            if !UTF8Bytes.isLetter(c) {
                // Escaped character: \& \% \$ \# \_ \{ \} \\ (line break) \, (thin space)
                switch c {
                case 0x5C, 0x2C, 0x3B, 0x20: out.append(0x20)
                case 0x2D: break
                default:
                    let length = UTF8Bytes.sequenceLength(c)
                    out.append(contentsOf: chars[i..<min(i + length, chars.count)])
                    i += length - 1
                }
                i += 1
                return
            }
            let start = i
            while i < chars.count, UTF8Bytes.isLetter(chars[i]) { i += 1 }
            let name = String(decoding: chars[start..<i], as: UTF8.self)
            if let letter = LaTeX.letters[name] {
                append(letter)
                // `\ss{}` and `\o ` end with an empty group or a space.
                if i + 1 < chars.count, chars[i] == 0x7B, chars[i + 1] == 0x7D { i += 2 } else if i < chars.count, chars[i] == 0x20 { i += 1 }
                return
            }
            // Formatting commands (\emph{x}, \textbf{x}, \url{x}): keep their argument.
            while i < chars.count, chars[i] == 0x20 { i += 1 }
        }
    }
}
