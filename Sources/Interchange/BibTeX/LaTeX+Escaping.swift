extension LaTeX {
    /// Text as a BibTeX field value that bibtex, biber and LaTeX read back as the
    /// same text: the inverse of ``toUnicode(_:)``.
    ///
    /// `% & # _ $` get a backslash; `\ { } ~ ^` become text commands
    /// (`\textbackslash{}`, `\textbraceleft{}`, …) so that every brace in the value
    /// is balanced, as bibtex requires even of escaped ones; `--`, ` `` ` and `''`
    /// are split with `{}` so they do not become dashes and quotes. Math between a
    /// pair of `$` is kept as written when it is safe to (braces balanced, no `%`,
    /// `#` or `&`, not ending in a backslash). Non-ASCII text stays UTF-8.
    ///
    /// With `protectingCase`, words with a capital after their first letter
    /// (`BERT`, `GPT-4`, `LLaMA`) are wrapped in braces so styles that lower-case
    /// titles leave them alone.
    ///
    /// ```swift
    /// LaTeX.escape("100% of $f$-Divergence & {sets}")
    /// // "100\% of $f$-Divergence \& \textbraceleft{}sets\textbraceright{}"
    /// ```
    public static func escape(_ text: String, protectingCase: Bool = false) -> String {
        let chars = Array(text)
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "$":
                if let end = mathEnd(chars, from: i) {
                    out += String(chars[i...end])
                    i = end + 1
                    continue
                }
                out += "\\$"
            case "%", "&", "#", "_": out += "\\" + String(c)
            case "\\": out += "\\textbackslash{}"
            case "{": out += "\\textbraceleft{}"
            case "}": out += "\\textbraceright{}"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "-", "`", "'":
                out.append(c)
                if i + 1 < chars.count, chars[i + 1] == c { out += "{}" }
            case "\r", "\n", "\t": out += " "
            default: out.append(c)
            }
            i += 1
        }
        return protectingCase ? protectCase(out) : out
    }

    /// The index of the `$` closing safe math that opens at `start`, if any.
    ///
    /// As in pandoc, math starts with a `$` followed by a non-space and ends with
    /// a `$` after a non-space and not before a digit (`$5 or $10` is not math).
    static func mathEnd(_ chars: [Character], from start: Int) -> Int? {
        guard start + 1 < chars.count, !chars[start + 1].isWhitespace else { return nil }
        var depth = 0
        var j = start + 1
        while j < chars.count {
            switch chars[j] {
            case "$":
                guard j > start + 1, depth == 0, chars[j - 1] != "\\", !chars[j - 1].isWhitespace,
                      j + 1 == chars.count || !chars[j + 1].isNumber else { return nil }
                return j
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth < 0 { return nil }
            case "%", "#", "&", "\n", "\r": return nil
            default: break
            }
            j += 1
        }
        return nil
    }

    /// Braces around each space-separated word of escaped text with a capital
    /// letter after its first character, unless the word is in or has math.
    static func protectCase(_ escaped: String) -> String {
        var inMath = false
        return escaped.split(separator: " ", omittingEmptySubsequences: false).map { word in
            var touchesMath = inMath
            var previous: Character = " "
            for c in word {
                // In escaped text a bare `$` is a math delimiter; a literal one is `\$`.
                if c == "$", previous != "\\" { inMath.toggle(); touchesMath = true }
                previous = c
            }
            return !touchesMath && word.dropFirst().contains(where: \.isUppercase) ? "{" + word + "}" : String(word)
        }.joined(separator: " ")
    }
}
