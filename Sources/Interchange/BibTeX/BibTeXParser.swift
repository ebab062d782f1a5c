import Model

/// A BibTeX or BibLaTeX file as entries of raw field values.
///
/// Reads what people's `.bib` files hold: `@string` macros (and the month names),
/// `#` concatenation, `{braced}` and `"quoted"` values with nested braces, bare
/// numbers, `@comment` and `@preamble` blocks and free text between entries (both
/// ignored), `{…}` or `(…)` around an entry. Values keep their LaTeX; ``LaTeX``
/// turns them into text. Errors name the line where the bad entry starts.
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

    let chars: [Character]
    let file: String
    var i = 0
    var line = 1
    /// Where the entry being read starts: its `@` and line.
    var entryStart = (index: 0, line: 1)
    var macros: [String: String] = [
        "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
        "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
    ]

    init(_ text: String, file: String) {
        chars = Array(text)
        self.file = file
    }

    /// Every entry, in file order.
    /// Every entry, in file order. With `skipping`, a bad entry is reported to it
    /// and the read goes on at the next line that starts with `@`.
    mutating func entries(skipping: ((ImportError) -> Void)? = nil) throws(ImportError) -> [Entry] {
        guard let skipping else { return try readEntries() }
        var result: [Entry] = []
        while true {
            let resume = (i, line)
            do {
                result += try readEntries(stopAfterOne: true)
                if i >= chars.count || !skipAhead() { return result }
            } catch {
                skipping(error)
                i = max(resume.0, entryStart.index) + 1
                line = entryStart.index >= resume.0 ? entryStart.line : resume.1
                guard skipToEntryLine() else { return result }
            }
        }
    }

    /// Moves to the next `@` that starts a line (after the current position).
    mutating func skipToEntryLine() -> Bool {
        while i < chars.count {
            if chars[i].isNewline {
                line += 1
                var j = i + 1
                while j < chars.count, chars[j] == " " || chars[j] == "\t" { j += 1 }
                if j < chars.count, chars[j] == "@" { i = j; return true }
            }
            i += 1
        }
        return false
    }

    /// Whether another `@` follows (without moving past it).
    mutating func skipAhead() -> Bool {
        let saved = (i, line)
        defer { (i, line) = saved }
        return skip(to: "@")
    }

    mutating func readEntries(stopAfterOne: Bool = false) throws(ImportError) -> [Entry] {
        var result: [Entry] = []
        while skip(to: "@") {
            let start = line
            entryStart = (i, line)
            i += 1
            skipSpace()
            let type = identifier().lowercased()
            guard !type.isEmpty else { throw fail(start, "expected an entry type after '@'") }
            skipSpace()
            guard i < chars.count, chars[i] == "{" || chars[i] == "(" else {
                throw fail(start, "expected '{' or '(' after @\(type)")
            }
            let close: Character = chars[i] == "{" ? "}" : ")"
            i += 1
            switch type {
            case "comment":
                _ = try balanced(until: close, from: start)
            case "preamble":
                _ = try value(start: start, close: close)
                skipSpace()
                try expect(close, start, "@preamble")
            case "string":
                skipSpace()
                let name = identifier().lowercased()
                guard !name.isEmpty else { throw fail(start, "@string needs a name") }
                skipSpace()
                try expect("=", start, "@string \(name)")
                macros[name] = try value(start: start, close: close)
                skipSpace()
                try expect(close, start, "@string \(name)")
            default:
                result.append(try entry(type: type, close: close, start: start))
            }
            if stopAfterOne { break }
        }
        return result
    }

    // MARK: - Entries and values

    mutating func entry(type: String, close: Character, start: Int) throws(ImportError) -> Entry {
        skipSpace()
        var key = ""
        while i < chars.count, chars[i] != ",", chars[i] != close, !chars[i].isWhitespace { key.append(chars[i]); i += 1 }
        skipSpace()
        var fields: [(String, String)] = []
        while i < chars.count, chars[i] == "," {
            i += 1
            skipSpace()
            if i < chars.count, chars[i] == close { break }  // trailing comma
            let name = identifier().lowercased()
            guard !name.isEmpty else { throw fail(line, "expected a field name in @\(type){\(key)") }
            skipSpace()
            try expect("=", start, "field '\(name)' of @\(type){\(key)")
            let value = try self.value(start: start, close: close)
            if !fields.contains(where: { $0.0 == name }) { fields.append((name, value)) }
            skipSpace()
        }
        guard i < chars.count, chars[i] == close else {
            throw fail(start, "@\(type){\(key) is not closed: expected ',' or '\(close)'")
        }
        i += 1
        return Entry(type: type, key: key, fields: fields, line: start)
    }

    /// A value: parts joined by `#`, each braced, quoted, a number or a macro.
    mutating func value(start: Int, close: Character) throws(ImportError) -> String {
        var result = ""
        while true {
            skipSpace()
            guard i < chars.count else { throw fail(start, "the file ends inside an entry") }
            switch chars[i] {
            case "{":
                i += 1
                result += try balanced(until: "}", from: start)
            case "\"":
                i += 1
                result += try quoted(from: start)
            case let c where c.isNumber:
                while i < chars.count, chars[i].isNumber { result.append(chars[i]); i += 1 }
            default:
                let name = identifier()
                guard !name.isEmpty else { throw fail(line, "expected a value: {…}, \"…\", a number or a @string name") }
                guard let expansion = macros[name.lowercased()] else {
                    throw fail(line, "unknown @string '\(name)'")
                }
                result += expansion
            }
            skipSpace()
            guard i < chars.count, chars[i] == "#" else { return result }
            i += 1
        }
    }

    /// Text up to the matching closing brace (consumed), nested braces kept.
    mutating func balanced(until close: Character, from start: Int) throws(ImportError) -> String {
        try delimited(by: close, from: start, unclosed: "unbalanced braces: the file ends before this entry's value is closed")
    }

    /// Text up to the closing quote, which only counts outside braces.
    mutating func quoted(from start: Int) throws(ImportError) -> String {
        try delimited(by: "\"", from: start, unclosed: "unterminated quoted value")
    }

    /// Text up to `close` outside braces (consumed); braces nest, `\x` is kept as is.
    mutating func delimited(by close: Character, from start: Int, unclosed: String) throws(ImportError) -> String {
        var depth = 0
        var text = ""
        while i < chars.count {
            let c = chars[i]
            if c.isNewline { line += 1 }
            if c == "\\", i + 1 < chars.count { text.append(c); text.append(chars[i + 1]); i += 2; continue }
            if c == close, depth == 0 { i += 1; return text }
            if c == "{" { depth += 1 } else if c == "}" { depth -= 1 }
            text.append(c)
            i += 1
        }
        throw fail(start, unclosed)
    }

    // MARK: - Lexing

    /// Moves to the next `@`, counting lines; false at the end.
    mutating func skip(to target: Character) -> Bool {
        while i < chars.count, chars[i] != target {
            if chars[i].isNewline { line += 1 }
            i += 1
        }
        return i < chars.count
    }

    mutating func skipSpace() {
        while i < chars.count, chars[i].isWhitespace {
            if chars[i].isNewline { line += 1 }
            i += 1
        }
    }

    mutating func identifier() -> String {
        var name = ""
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || "_-:.+/'".contains(chars[i]) {
            name.append(chars[i])
            i += 1
        }
        return name
    }

    mutating func expect(_ c: Character, _ start: Int, _ what: String) throws(ImportError) {
        guard i < chars.count, chars[i] == c else { throw fail(start, "expected '\(c)' in \(what)") }
        i += 1
    }

    func fail(_ line: Int, _ reason: String) -> ImportError {
        ImportError(file: file, line: line, reason: reason)
    }
}
