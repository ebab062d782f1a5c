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
        // Works on UTF-8 bytes: every character LaTeX reserves is ASCII.
        var text = text
        let escaped: [UInt8]? = text.withUTF8 { chars in
            guard let firstSpecial = chars.firstIndex(where: isSpecial) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(chars.count + 32)
            out.append(contentsOf: chars[..<firstSpecial])
            var i = firstSpecial
            var runStart = i
            func put(_ s: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
            while i < chars.count {
                let c = chars[i]
                guard isSpecial(c) else { i += 1; continue }
                out.append(contentsOf: chars[runStart..<i])
                runStart = i + 1
                switch c {
                case 0x24:  // $
                    if let end = mathEnd(chars, from: i) {
                        out.append(contentsOf: chars[i...end])
                        i = end + 1
                        runStart = i
                        continue
                    }
                    put("\\$")
                case 0x25, 0x26, 0x23, 0x5F:  // % & # _
                    out.append(0x5C); out.append(c)
                case 0x5C: put("\\textbackslash{}")
                case 0x7B: put("\\textbraceleft{}")
                case 0x7D: put("\\textbraceright{}")
                case 0x7E: put("\\textasciitilde{}")
                case 0x5E: put("\\textasciicircum{}")
                case 0x2D, 0x60, 0x27:  // - ` '
                    out.append(c)
                    if i + 1 < chars.count, chars[i + 1] == c { put("{}") }
                default: out.append(0x20)  // \r \n \t
                }
                i += 1
            }
            out.append(contentsOf: chars[runStart..<chars.count])
            return out
        }
        guard protectingCase else { return escaped.map { String(decoding: $0, as: UTF8.self) } ?? text }
        let protected = escaped.map(protectCase) ?? text.withUTF8 { protectCase(Array($0)) }
        return String(decoding: protected, as: UTF8.self)
    }

    /// The bytes ``escape(_:protectingCase:)`` changes: `$ % & # _ \ { } ~ ^`,
    /// a `-`, `` ` `` or `'` that may be doubled, and tabs and line breaks.
    @inline(__always)
    /// Whether ``escape(_:protectingCase:)`` may write `text` otherwise (a `%`, `&`,
    /// `_`, a line break): a field that holds one is kept as its source wrote it.
    static func mayEscape(_ text: String) -> Bool { text.utf8.contains(where: isSpecial) }

    /// Whether `text` has a `%` without a backslash before it: in LaTeX a comment to
    /// the end of its line, which, once a field's lines are joined, would take the
    /// rest of the field (and its closing brace) with it.
    static func hasUnescapedPercent(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x25, previous != 0x5C { return true }
            previous = previous == 0x5C && byte == 0x5C ? 0 : byte
        }
        return false
    }

    /// `text` with a backslash before each bare `%` (see ``hasUnescapedPercent(_:)``).
    static func escapingBarePercents(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x25, previous != 0x5C { out.append(0x5C) }
            out.append(byte)
            previous = previous == 0x5C && byte == 0x5C ? 0 : byte
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isSpecial(_ c: UInt8) -> Bool {
        switch c {
        case 0x24, 0x25, 0x26, 0x23, 0x5F, 0x5C, 0x7B, 0x7D, 0x7E, 0x5E, 0x0D, 0x0A, 0x09: true
        case 0x2D, 0x60, 0x27: true
        default: false
        }
    }

    /// The index of the `$` closing safe math that opens at `start`, if any.
    ///
    /// As in pandoc, math starts with a `$` followed by a non-space and ends with
    /// a `$` after a non-space and not before a digit (`$5 or $10` is not math).
    static func mathEnd(_ chars: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start + 1 < chars.count, !UTF8Bytes.isSpace(chars[start + 1]) else { return nil }
        var depth = 0
        var j = start + 1
        while j < chars.count {
            switch chars[j] {
            case 0x24:
                guard j > start + 1, depth == 0, chars[j - 1] != 0x5C, !UTF8Bytes.isSpace(chars[j - 1]),
                      j + 1 == chars.count || !UTF8Bytes.isDigit(chars[j + 1]) else { return nil }
                return j
            case 0x7B: depth += 1
            case 0x7D:
                depth -= 1
                if depth < 0 { return nil }
            case 0x25, 0x23, 0x26, 0x0A, 0x0D: return nil
            default: break
            }
            j += 1
        }
        return nil
    }

    /// Braces around each space-separated word of escaped text with a capital
    /// letter after its first character, unless the word is in or has math.
    static func protectCase(_ escaped: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(escaped.count + 8)
        var inMath = false
        var wordStart = 0
        func flush(_ end: Int) {
            let word = escaped[wordStart..<end]
            var touchesMath = inMath
            var previous: UInt8 = 0x20
            var capitalAfterFirst = false
            for (offset, b) in word.enumerated() {
                // In escaped text a bare `$` is a math delimiter; a literal one is `\$`.
                if b == 0x24, previous != 0x5C { inMath.toggle(); touchesMath = true }
                previous = b
                // Continuation bytes of a non-ASCII first letter are never A-Z.
                if offset > 0, b >= 0x41, b <= 0x5A { capitalAfterFirst = true }
            }
            if !capitalAfterFirst, !touchesMath, word.contains(where: { $0 >= 0x80 }) {
                // Non-ASCII capitals (`ÜBER`): ask Unicode.
                capitalAfterFirst = String(decoding: word, as: UTF8.self).dropFirst().contains(where: \.isUppercase)
            }
            if capitalAfterFirst && !touchesMath {
                out.append(0x7B); out.append(contentsOf: word); out.append(0x7D)
            } else {
                out.append(contentsOf: word)
            }
        }
        for (index, b) in escaped.enumerated() where b == 0x20 {
            flush(index)
            out.append(0x20)
            wordStart = index + 1
        }
        flush(escaped.count)
        return out
    }
}
