import Model

/// A BibTeX or BibLaTeX file as entries of raw field values.
///
/// Reads what people's `.bib` files hold: `@string` macros (and the month names),
/// `#` concatenation, `{braced}` and `"quoted"` values with nested braces, bare
/// numbers, `@preamble` texts (kept in ``preambles``), `@comment` blocks and free
/// text between entries (ignored; a `%` line between entries is a comment, so `%@article{…` is not read, as
/// in biber and pybtex), `{…}` or `(…)` around an entry. As leniently as bibtex and
/// biber: an entry without a key, an empty field (`, ,`) and a bare `@comment` word.
/// Values keep their LaTeX; ``LaTeX`` turns them into text. Errors name the line
/// where the bad entry starts.
struct BibTeXParser {
    /// One entry: its type (lower case), citation key, fields (names lower case,
    /// in file order) and the line it starts on.
    struct Entry: Equatable {
        var type: String
        var key: String
        var fields: [(name: String, value: String)]
        var line: Int

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.type == rhs.type && lhs.key == rhs.key && lhs.line == rhs.line
                && lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
        }

        func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
    }

    /// The file's UTF-8 bytes: BibTeX's syntax is ASCII, so the parser works on
    /// bytes and copies each value out whole. The caller keeps them alive while the
    /// parser reads (a mapped file is read in place; see ``BibTeX/forEachDraft(in:file:problems:_:)``).
    let chars: UnsafeBufferPointer<UInt8>
    let file: String
    var i = 0
    var line = 1
    /// Where the entry being read starts: its `@` and line.
    var entryStart = (index: 0, line: 1)
    var macros: [String: String] = [
        "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
        "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
    ]

    /// Whether what bibtex and biber only warn about is read with a warning instead
    /// of failing the entry: an undefined `@string` (read as empty), an entry
    /// without a key (given one on import).
    var isLenient = false
    /// The file's `@preamble` texts, in file order (the macros its entries use).
    var preambles: [String] = []
    /// Warnings about what was read anyway, in file order.
    var warnings: [ImportError] = []
    /// What is being read, for warnings: `field 'journal' of @article{key}`.
    var context = ""
    /// The line where the last value read ends.
    var valueEnd = 1

    /// Which entries' values are built: all of them, or only those of the entries
    /// whose key (lower case) is in the set. Of the others only `crossref` and
    /// `xdata` are kept: a check of the whole file (errors, warnings, what inherits
    /// from what) then builds no text.
    var keepingValues: Set<String>?

    init(_ bytes: UnsafeBufferPointer<UInt8>, file: String) {
        chars = bytes
        self.file = file
    }

    static let at = UInt8(ascii: "@"), openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    static let openParen = UInt8(ascii: "("), closeParen = UInt8(ascii: ")"), comma = UInt8(ascii: ",")
    static let percent = UInt8(ascii: "%")
    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), hash = UInt8(ascii: "#"), equals = UInt8(ascii: "=")

    /// Letters, digits, `_-:.+/'` and any non-ASCII byte (names such as `müller2020`).
    static func isNameByte(_ b: UInt8) -> Bool {
        UTF8Bytes.isLetter(b) || UTF8Bytes.isDigit(b) || b >= 0x80
            || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ":") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "'")
    }

    func text(_ range: Range<Int>) -> String { String(decoding: chars[range], as: UTF8.self) }

    /// Every entry, in file order. With `skipping`, a bad entry is reported to it
    /// and the read goes on at the next line that starts with `@`.
    mutating func entries(skipping: ((ImportError) -> Void)? = nil) throws(ImportError) -> [Entry] {
        var result: [Entry] = []
        while let entry = try nextEntry(skipping: skipping) { result.append(entry) }
        return result
    }

    /// The next entry, nil at the end of the file; `@string`, `@preamble` and
    /// `@comment` on the way are taken in. With `skipping`, a bad entry is reported
    /// to it and the read goes on at the next line that starts with `@`.
    mutating func nextEntry(skipping: ((ImportError) -> Void)? = nil) throws(ImportError) -> Entry? {
        while true {
            let resume = (i, line)
            do {
                guard skipToEntry() else { return nil }
                if let entry = try readItem() { return entry }
            } catch {
                guard let skipping else { throw error }
                skipping(error)
                i = max(resume.0, entryStart.index) + 1
                line = entryStart.index >= resume.0 ? entryStart.line : resume.1
                guard skipToEntryLine() else { return nil }
            }
        }
    }

    /// Moves to the next `@` that starts a line (after the current position).
    mutating func skipToEntryLine() -> Bool {
        while i < chars.count {
            if chars[i] == 0x0A {
                line += 1
                var j = i + 1
                while j < chars.count, chars[j] == 0x20 || chars[j] == 0x09 { j += 1 }
                if j < chars.count, chars[j] == Self.at { i = j; return true }
            }
            i += 1
        }
        return false
    }

    /// Moves to the next `@` between entries, counting lines and passing over `%`
    /// comments to the end of their line; false at the end.
    mutating func skipToEntry() -> Bool {
        while i < chars.count, chars[i] != Self.at {
            if chars[i] == 0x0A {
                line += 1
            } else if chars[i] == Self.percent {
                while i + 1 < chars.count, chars[i + 1] != 0x0A { i += 1 }
            }
            i += 1
        }
        return i < chars.count
    }

    /// Reads the `@` thing at `i`: an entry is returned, a macro, preamble or
    /// comment taken in (nil).
    mutating func readItem() throws(ImportError) -> Entry? {
        let start = line
        entryStart = (i, line)
        i += 1
        skipSpace()
        let type = identifier().lowercased()
        guard !type.isEmpty else { throw fail(start, "expected an entry type after '@'") }
        skipSpace()
        if type == "comment", i >= chars.count || (chars[i] != Self.openBrace && chars[i] != Self.openParen) {
            return nil  // `@comment` with no braces: bibtex skips the word, the rest is text between entries
        }
        guard i < chars.count, chars[i] == Self.openBrace || chars[i] == Self.openParen else {
            throw fail(start, "expected '{' or '(' after @\(type)")
        }
        let close = chars[i] == Self.openBrace ? Self.closeBrace : Self.closeParen
        i += 1
        switch type {
        case "comment":
            context = "@comment"
            _ = try delimited(by: close, from: start, stoppingAtEntries: false, building: false)
        case "preamble":
            context = "@preamble"
            preambles.append(try value(start: start, close: close))
            skipSpace()
            try expect(close, start, "@preamble")
        case "string":
            skipSpace()
            let name = identifier().lowercased()
            guard !name.isEmpty else { throw fail(start, "@string needs a name") }
            skipSpace()
            try expect(Self.equals, start, "@string \(name)")
            context = "@string \(name)"
            macros[name] = try value(start: start, close: close)
            skipSpace()
            try expect(close, start, "@string \(name)")
        default:
            return try entry(type: type, close: close, start: start)
        }
        return nil
    }

    // MARK: - Entries and values

    mutating func entry(type: String, close: UInt8, start: Int) throws(ImportError) -> Entry {
        skipSpace()
        let keyStart = i, keyLine = line
        while i < chars.count, chars[i] != Self.comma, chars[i] != close, !UTF8Bytes.isSpace(chars[i]) { i += 1 }
        var key = text(keyStart..<i)
        skipSpace()
        // `@article{ author = …`: no key, the first field follows the brace.
        var keyless = i < chars.count && chars[i] == Self.equals
        if keyless { (i, line, key) = (keyStart, keyLine, "") }
        if key.isEmpty {
            let problem = fail(start, "@\(type) has no citation key; reader gives it one")
            guard isLenient else { throw problem }
            warnings.append(problem)
        }
        let keepsAll = keepingValues.map { $0.contains(key.lowercased()) } ?? true
        var fields: [(String, String)] = []
        var last: (field: String, opened: Int, ended: Int)?
        while i < chars.count, chars[i] == Self.comma || keyless {
            if keyless { keyless = false } else { i += 1 }
            skipSpace()
            while i < chars.count, chars[i] == Self.comma { i += 1; skipSpace() }  // an empty field: `title = {…}, , year`
            if i < chars.count, chars[i] == close { break }  // trailing comma
            let name = identifier().lowercased()
            guard !name.isEmpty else { throw fail(line, "expected a field name in @\(type){\(key)") }
            skipSpace()
            try expect(Self.equals, start, "field '\(name)' of @\(type){\(key)")
            context = "field '\(name)' of @\(type){\(key)}"
            skipSpace()
            let opened = line
            let kept = keepsAll || name == "crossref" || name == "xdata"
            let value = try self.value(start: start, close: close, building: kept)
            last = (name, opened, valueEnd)
            if kept, !fields.contains(where: { $0.0 == name }) { fields.append((name, value)) }
            skipSpace()
        }
        guard i < chars.count, chars[i] == close else {
            if let last, last.ended > last.opened {
                // A value that ran on over lines took the entry's end: its braces are off.
                throw fail(last.opened, "@\(type){\(key) is not closed: the value of field '\(last.field)' runs from line \(last.opened) to line \(last.ended); a brace in it is missing or extra")
            }
            throw fail(start, "@\(type){\(key) is not closed: expected ',' or '\(Character(Unicode.Scalar(close)))'")
        }
        i += 1
        return Entry(type: type, key: key, fields: fields, line: start)
    }

    /// A value: parts joined by `#`, each braced, quoted, a number or a macro.
    /// Without `building`, the value is checked as it would be read, and "" returned.
    mutating func value(start: Int, close: UInt8, building: Bool = true) throws(ImportError) -> String {
        var result = ""
        while true {
            skipSpace()
            guard i < chars.count else { throw fail(start, "the file ends inside an entry") }
            switch chars[i] {
            case Self.openBrace:
                i += 1
                let part = try delimited(by: Self.closeBrace, from: start, stoppingAtEntries: true, building: building)
                if building { result += part }
            case Self.quote:
                i += 1
                let part = try delimited(by: Self.quote, from: start, stoppingAtEntries: true, building: building)
                if building { result += part }
            case let c where UTF8Bytes.isDigit(c):
                let numberStart = i
                while i < chars.count, UTF8Bytes.isDigit(chars[i]) { i += 1 }
                if building { result += text(numberStart..<i) }
            default:
                let name = identifier()
                guard !name.isEmpty else { throw fail(line, "expected a value: {…}, \"…\", a number or a @string name") }
                if let expansion = macros[name.lowercased()] {
                    if building { result += expansion }
                } else if isLenient {
                    // As bibtex and biber do: a warning, and the value reads as empty.
                    warnings.append(fail(line, "unknown @string '\(name)' in \(context), read as empty"))
                } else {
                    throw fail(line, "unknown @string '\(name)'")
                }
            }
            valueEnd = line
            skipSpace()
            guard i < chars.count, chars[i] == Self.hash else { return result }
            i += 1
        }
    }

    /// Text up to `close` outside braces (consumed); braces nest, `\x` is kept as is;
    /// a closing quote only counts outside braces. Without `building`, "".
    ///
    /// A value that is never closed is reported at the line where it opens, with
    /// its field: the missing brace is in it, not at the entry's first line. With
    /// `stoppingAtEntries`, a line that starts a new entry (`@article{`) ends the
    /// search there, as a value runs on into the next entry only when a brace is missing.
    mutating func delimited(by close: UInt8, from start: Int, stoppingAtEntries: Bool, building: Bool = true) throws(ImportError) -> String {
        var depth = 0
        let valueStart = i
        let opened = line
        let what = close == Self.quote ? "unterminated quoted value" : "unbalanced braces"
        while i < chars.count {
            let c = chars[i]
            if c == 0x0A {
                line += 1
                if stoppingAtEntries, startsEntry(at: i + 1) {
                    throw fail(opened, "\(what): the value of \(context) is not closed before the entry at line \(line)")
                }
            }
            if c == Self.backslash, i + 1 < chars.count {
                if chars[i + 1] == 0x0A { line += 1 }
                i += 2
                continue
            }
            if c == close, depth == 0 {
                let value = building ? text(valueStart..<i) : ""
                i += 1
                return value
            }
            if c == Self.openBrace { depth += 1 } else if c == Self.closeBrace { depth -= 1 }
            i += 1
        }
        throw fail(opened, "\(what): the file ends before the value of \(context) is closed")
    }

    /// Whether a line that starts at `index` starts an entry: `@`, a type, `{` or `(`.
    func startsEntry(at index: Int) -> Bool {
        var j = index
        while j < chars.count, chars[j] == 0x20 || chars[j] == 0x09 { j += 1 }
        guard j < chars.count, chars[j] == Self.at else { return false }
        j += 1
        let typeStart = j
        while j < chars.count, UTF8Bytes.isLetter(chars[j]) { j += 1 }
        guard j > typeStart else { return false }
        while j < chars.count, chars[j] == 0x20 || chars[j] == 0x09 { j += 1 }
        return j < chars.count && (chars[j] == Self.openBrace || chars[j] == Self.openParen)
    }

    // MARK: - Lexing

    /// Moves to the next `target`, counting lines; false at the end.
    mutating func skip(to target: UInt8) -> Bool {
        while i < chars.count, chars[i] != target {
            if chars[i] == 0x0A { line += 1 }
            i += 1
        }
        return i < chars.count
    }

    mutating func skipSpace() {
        while i < chars.count, UTF8Bytes.isSpace(chars[i]) {
            if chars[i] == 0x0A { line += 1 }
            i += 1
        }
    }

    mutating func identifier() -> String {
        let nameStart = i
        while i < chars.count, Self.isNameByte(chars[i]) { i += 1 }
        return text(nameStart..<i)
    }

    mutating func expect(_ c: UInt8, _ start: Int, _ what: String) throws(ImportError) {
        guard i < chars.count, chars[i] == c else { throw fail(start, "expected '\(Character(Unicode.Scalar(c)))' in \(what)") }
        i += 1
    }

    func fail(_ line: Int, _ reason: String) -> ImportError {
        ImportError(file: file, line: line, reason: reason)
    }
}
