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
        "textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}",
        "textasciitilde": "~", "textasciicircum": "^", "textunderscore": "_", "textdollar": "$",
        // Text symbols (textcomp and the LaTeX kernel).
        "texteuro": "€", "euro": "€", "textmu": "µ", "texttimes": "×", "textdiv": "÷", "textpm": "±",
        "textminus": "−", "textcent": "¢", "textsterling": "£", "pounds": "£", "textyen": "¥",
        "textperthousand": "‰", "textbullet": "•", "textdagger": "†", "dag": "†", "textdaggerdbl": "‡",
        "ddag": "‡", "textsection": "§", "textparagraph": "¶", "textcopyright": "©", "textexclamdown": "¡",
        "textquestiondown": "¿", "guillemotleft": "«", "guillemotright": "»", "guilsinglleft": "‹",
        "guilsinglright": "›", "textless": "<", "textgreater": ">", "textbar": "|", "textquotesingle": "'",
        "textquotedbl": "\"", "textasciigrave": "`", "textonehalf": "½", "textonequarter": "¼",
        "textthreequarters": "¾", "textnumero": "№", "textcelsius": "℃", "textohm": "Ω", "textordfeminine": "ª",
        "textordmasculine": "º", "textbigcircle": "◯", "textasteriskcentered": "∗", "textperiodcentered": "·",
        "textvisiblespace": "␣", "textnbhy": "‑", "textsuperscript": "", "ng": "ŋ", "NG": "Ŋ",
        // Logos, as their names print.
        "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX", "MF": "METAFONT",
        "MP": "MetaPost", "ConTeXt": "ConTeXt", "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX", "XeTeX": "XeTeX",
        "XeLaTeX": "XeLaTeX", "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "eTeX": "ε-TeX", "AmS": "AMS",
        "AMS": "AMS", "AmSTeX": "AMS-TeX", "AmSLaTeX": "AMS-LaTeX", "SliTeX": "SliTeX", "PiCTeX": "PiCTeX",
        "BibLaTeX": "BibLaTeX", "biber": "biber", "METAFONT": "METAFONT", "METAPOST": "MetaPost",
        "ExTeX": "ExTeX", "Omega": "Ω", "Aleph": "Aleph", "LyX": "LyX", "TeXLive": "TeX Live",
    ]

    /// Commands that style their argument: the argument is the text (`\emph{word}`).
    static let styles: Set<String> = [
        "emph", "textbf", "textit", "textsc", "texttt", "textsf", "textrm", "textup", "textsl", "textmd",
        "textnormal", "mbox", "hbox", "url", "em", "it", "bf", "sc", "rm", "tt", "sf", "sl", "relax", "protect",
        "NoCaseChange", "nocase", "ensuremath", "text", "mathrm", "mathit", "mathbf", "mathsf", "mathtt",
        "textsubscript", "uppercase", "lowercase", "MakeUppercase", "MakeLowercase", "bibinitperiod",
        "bibrangedash", "noindent", "unskip", "xspace", "textup", "upshape", "itshape", "bfseries", "scshape",
        "normalfont", "small", "large", "footnotesize", "scriptsize", "tiny", "Large", "huge",
    ]

    /// Plain text for a BibTeX value.
    public static func toUnicode(_ text: String) -> String {
        var text = text
        let converted: [UInt8]? = text.withUTF8 { bytes in
            guard needsConversion(bytes) else { return nil }
            var converter = Converter(Array(bytes))
            converter.run()
            return converter.out
        }
        return TextNormalization.storedText(converted.map { String(decoding: $0, as: UTF8.self) } ?? text)
    }

    /// A field's text as reader stores it: Unicode, white space runs as one space.
    static func text(_ raw: String) -> String {
        TextNormalization.collapsingWhitespace(toUnicode(raw))
    }

    /// Whether a value has LaTeX to convert: `\ { } ~ $`, or a doubled `-`, `` ` `` or `'`.
    static func needsConversion(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { needsConversion($0) }
    }

    static func needsConversion(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for k in bytes.indices {
            switch bytes[k] {
            case 0x5C, 0x7B, 0x7D, 0x7E, 0x24: return true
            case let b where b == 0x2D || b == 0x60 || b == 0x27: if k + 1 < bytes.count && bytes[k + 1] == b { return true }
            default: break
            }
        }
        return false
    }

    /// The LaTeX a source wrote for a field, when it still reads as the field's
    /// text (`reads`) and its braces are balanced: an unedited field goes back out
    /// as written (case protection, macros, math and all); an edited one is escaped anew.
    static func source(_ raw: String?, reads: (String) -> Bool) -> String? {
        guard let raw, isBalanced(raw), reads(raw) else { return nil }
        return raw
    }

    /// Whether every brace is closed and none closes early, counting `\{` and `\}`
    /// too, as bibtex does.
    static func isBalanced(_ text: String) -> Bool {
        var depth = 0
        for b in text.utf8 {
            if b == 0x7B { depth += 1 } else if b == 0x7D { depth -= 1; if depth < 0 { return false } }
        }
        return depth == 0
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
        /// Where a macro kept as written without arguments ends in `out`.
        var macroEnds: [Int] = []

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
            for end in macroEnds.reversed() where end < out.count && UTF8Bytes.isLetter(out[end]) {
                out.insert(contentsOf: [0x7B, 0x7D], at: end)
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
                if i >= chars.count || chars[i] == 0x7D {
                    // Nothing to put it on (`Ragnhei{\d}ur`): kept as written.
                    out.append(0x5C)
                    out.append(c)
                    return
                }
                if chars[i] == 0x7B {
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
            if LaTeX.styles.contains(name) {
                // A control word ends at the white space after it, a line break too (`{\sl\n  Title}`).
                while i < chars.count, UTF8Bytes.isSpace(chars[i]) { i += 1 }
                return
            }
            // \noopsort{key} (the classic sorting trick) prints nothing.
            if name == "noopsort", i < chars.count, chars[i] == 0x7B {
                var depth = 0
                while i < chars.count {
                    if chars[i] == 0x7B { depth += 1 } else if chars[i] == 0x7D { depth -= 1; if depth == 0 { i += 1; break } }
                    i += 1
                }
                return
            }
            // Any other command (a macro of the document's own, `\Thanh`) is kept as
            // written: deleting it would delete its text.
            out.append(0x5C)
            out.append(contentsOf: chars[start..<i])
            // Its arguments too, in their braces, their text converted (`\booktitle{Kom{\"o}die}`
            // is `\booktitle{Komödie}`; `\foo{}` is `\foo` ended: the empty group goes).
            // Without one, a letter that comes to follow it in the text (`{\Dash}an`) would
            // run into its name: ``run()`` puts an empty group between them.
            if i + 1 < chars.count, chars[i] == 0x7B, chars[i + 1] == 0x7D {
                i += 2
                macroEnds.append(out.count)
                return
            }
            if i >= chars.count || chars[i] != 0x7B { macroEnds.append(out.count) }
            while i < chars.count, chars[i] == 0x7B {
                let groupStart = i
                var depth = 0
                while i < chars.count {
                    if chars[i] == 0x7B { depth += 1 } else if chars[i] == 0x7D { depth -= 1; if depth == 0 { i += 1; break } }
                    i += 1
                }
                guard depth == 0 else {
                    out.append(contentsOf: chars[groupStart..<i])  // unclosed: as written
                    break
                }
                var argument = Converter(Array(chars[(groupStart + 1)..<(i - 1)]))
                argument.run()
                out.append(0x7B)
                out.append(contentsOf: argument.out)
                out.append(0x7D)
            }
        }
    }
}
