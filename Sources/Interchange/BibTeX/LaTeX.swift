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
        var converter = Converter(Array(text))
        return TextNormalization.storedText(converter.run())
    }

    struct Converter {
        let chars: [Character]
        var i = 0
        var out = ""

        init(_ chars: [Character]) { self.chars = chars }

        mutating func run() -> String {
            while i < chars.count {
                let c = chars[i]
                switch c {
                case "$":
                    // Math: copy through the closing `$` (or `$$`) as written.
                    let start = i
                    i += 1
                    while i < chars.count, chars[i] != "$" {
                        if chars[i] == "\\" { i += 1 }
                        i += 1
                    }
                    i = min(i + 1, chars.count)
                    out += String(chars[start..<i])
                case "\\":
                    command()
                case "{", "}":
                    i += 1
                case "~":
                    out += "\u{A0}"
                    i += 1
                case "-" where next(1) == "-":
                    if next(2) == "-" { out += "—"; i += 3 } else { out += "–"; i += 2 }
                case "`" where next(1) == "`":
                    out += "“"; i += 2
                case "'" where next(1) == "'":
                    out += "”"; i += 2
                default:
                    out.append(c)
                    i += 1
                }
            }
            return out
        }

        func next(_ offset: Int) -> Character? {
            i + offset < chars.count ? chars[i + offset] : nil
        }

        mutating func command() {
            i += 1
            guard i < chars.count else { out += "\\"; return }
            let c = chars[i]
            if let mark = LaTeX.accents[c], !(c.isLetter && next(1)?.isLetter == true) {
                // Accent: \"o, \"{o}, \c c, \c{c}, {\"\i}
                i += 1
                while i < chars.count, chars[i] == " ", c.isLetter { i += 1 }
                var base = ""
                if i < chars.count, chars[i] == "{" {
                    i += 1
                    var inner = ""
                    while i < chars.count, chars[i] != "}" { inner.append(chars[i]); i += 1 }
                    i += 1
                    var nested = Converter(Array(inner))
                    base = nested.run()
                } else if i < chars.count, chars[i] == "\\" {
                    var nested = Converter(Array(chars[i...]))
                    nested.commandOnly()
                    base = nested.out
                    i += nested.i
                } else if i < chars.count {
                    base = String(chars[i])
                    i += 1
                }
                // An accent over a dotless i or j (`\"{\i}`) is over the letter itself.
                if base.hasPrefix("ı") { base = "i" + base.dropFirst() }
                if base.hasPrefix("ȷ") { base = "j" + base.dropFirst() }
                // The mark goes after the first letter and any marks it has already
                // (`\~{\^e}` is ễ).
                if let first = base.first {
                    var scalars = String(first).unicodeScalars
                    scalars.append(mark)
                    out += String(scalars) + String(base.dropFirst())
                }
                return
            }
            if !c.isLetter {
                // Escaped character: \& \% \$ \# \_ \{ \} \\ (line break) \, (thin space)
                switch c {
                case "\\": out += " "
                case ",", ";", " ": out += " "
                case "-": break
                default: out.append(c)
                }
                i += 1
                return
            }
            var name = ""
            while i < chars.count, chars[i].isLetter { name.append(chars[i]); i += 1 }
            if let letter = LaTeX.letters[name] {
                out += letter
                // `\ss{}` and `\o ` end with an empty group or a space.
                if i + 1 < chars.count, chars[i] == "{", chars[i + 1] == "}" { i += 2 } else if i < chars.count, chars[i] == " " { i += 1 }
                return
            }
            // Formatting commands (\emph{x}, \textbf{x}, \url{x}): keep their argument.
            while i < chars.count, chars[i] == " " { i += 1 }
        }

        /// Reads one command at the start (for `\"\i`).
        mutating func commandOnly() {
            guard i < chars.count, chars[i] == "\\" else { return }
            command()
        }
    }
}
