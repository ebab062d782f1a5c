import Foundation
import Model

/// Names in BibTeX and BibLaTeX, read and written as bibtex and biber do.
///
/// A name list is split on the word `and` outside braces. Each name is read the
/// way bibtex reads it (and pybtex and biber after it): `First von Last`, `von
/// Last, First` or `von Last, Jr, First`, where the von part is the run of words
/// that start with a lower-case letter (`van der`, `de la`) and text in braces is
/// one word of no case (`{Bernheim Brush}, A. J.` has the family name "Bernheim
/// Brush"; `{American Psychological Association}` is one name, kept whole).
/// BibLaTeX's extended format (`family=Heuvel, given=Charles, prefix=van den,
/// useprefix=true`) is read too.
///
/// ```swift
/// BibTeXName.names(#"Ur{\'\i}a R{\'\i}u, Juan and {American Psychological Association}"#)
/// // [family "Uría Ríu" given "Juan", literal "American Psychological Association"]
/// ```
enum BibTeXName {
    /// The names of a name list, in order; `others` (written for "et al.") is left out.
    static func names(_ raw: String) -> [PersonName] {
        list(raw).compactMap { slice in
            let text = String(decoding: slice, as: UTF8.self)
            guard let name = name(text), !name.isEmpty else { return nil }
            return name.literal == nil && name.family.lowercased() == "others" && name.given.isEmpty ? nil : name
        }
    }

    /// Whether a name list ends with `others`: its authors go on (bibtex's "et al.").
    static func endsWithOthers(_ raw: String) -> Bool {
        guard let last = list(raw).last else { return false }
        return String(decoding: last, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == "others"
    }

    /// How formats without BibTeX's `and others` write it as a last name, lower-cased:
    /// RIS exports' `AU  - et al.`; CSL adds pandoc's literal `others`.
    static let etAl: Set<String> = ["et al.", "et al", "et. al."]

    /// A name list as BibTeX writes it: the names joined with `and`, then
    /// `and others` when the list goes on.
    static func written(_ names: [PersonName], more: Bool, dialect: BibTeXDialect) -> String {
        let written = names.map { Self.written($0, dialect: dialect) }
        return (more ? written + ["others"] : written).joined(separator: " and ")
    }

    /// The names of a list: split on ` and ` (any case) at brace depth 0.
    static func list(_ raw: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(raw.utf8)
        var names: [ArraySlice<UInt8>] = []
        var depth = 0, start = 0, i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x7B { depth += 1 } else if b == 0x7D { depth -= 1 }
            if depth == 0, UTF8Bytes.isSpace(b), i + 4 < bytes.count,
               bytes[i + 1] | 0x20 == 0x61, bytes[i + 2] | 0x20 == 0x6E, bytes[i + 3] | 0x20 == 0x64, UTF8Bytes.isSpace(bytes[i + 4]) {
                names.append(bytes[start..<i])
                i += 4
                start = i
                continue
            }
            i += 1
        }
        names.append(bytes[start..<bytes.count])
        return names
    }

    /// One name, or nil when it has no text.
    static func name(_ raw: String) -> PersonName? {
        let parts = split(Array(raw.utf8), atComma: true)
        if let extended = extended(parts) { return extended }
        var commaParts = parts.map { words(in: $0) }
        if commaParts.count > 3 {
            commaParts = Array(commaParts[..<2]) + [commaParts[2...].flatMap { $0 }]
        }
        var first: [String] = [], von: [String] = [], last: [String] = [], jr: [String] = []
        /// `von Last`: the last word is always Last; before it, von runs to the last von word.
        func vonLast(_ words: [String]) {
            guard let final = words.last else { return }
            let rest = words.dropLast()
            let lastVon = rest.lastIndex(where: isVon).map { $0 + 1 } ?? 0
            von = Array(rest[..<lastVon])
            last = Array(rest[lastVon...]) + [final]
        }
        switch commaParts.count {
        case 3:
            vonLast(commaParts[0]); jr = commaParts[1]; first = commaParts[2]
        case 2:
            vonLast(commaParts[0]); first = commaParts[1]
        case 1:
            let words = commaParts[0]
            // A name of one braced group is an organisation's: kept whole.
            if words.count == 1, let only = words.first, isOneGroup(only) {
                let literal = TextNormalization.collapsingWhitespace(LaTeX.toUnicode(only))
                return literal.isEmpty ? nil : PersonName(literal: literal)
            }
            let firstVon = words.firstIndex(where: isVon) ?? words.count
            first = Array(words[..<firstVon])
            var rest = Array(words[firstVon...])
            if rest.isEmpty, let final = first.popLast() { rest = [final] }
            vonLast(rest)
        default:
            return nil
        }
        func text(_ words: [String]) -> String {
            // Words without LaTeX (most) are their own text.
            guard words.contains(where: LaTeX.needsConversion) else { return words.joined(separator: " ") }
            return TextNormalization.collapsingWhitespace(words.map(LaTeX.toUnicode).joined(separator: " "))
        }
        let name = PersonName(family: text(last), given: text(first), particle: text(von), suffix: text(jr))
        return name.isEmpty ? nil : name
    }

    /// BibLaTeX's extended name format: every comma part a `key=value` with a key
    /// biber knows, at least one of them `family` or `given`.
    static func extended(_ parts: [ArraySlice<UInt8>]) -> PersonName? {
        var values: [String: String] = [:]
        for part in parts {
            guard let equals = firstIndex(of: 0x3D, atDepthZeroIn: part) else { return nil }
            let key = String(decoding: part[part.startIndex..<equals], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
            guard ["family", "given", "prefix", "suffix", "useprefix", "id", "sortingnamekeytemplatename"].contains(key)
                || key.hasSuffix("-i") else { return nil }
            var value = String(decoding: part[(equals + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = String(value.dropFirst().dropLast()) }
            values[key] = value
        }
        guard values["family"] != nil || values["given"] != nil else { return nil }
        func text(_ key: String) -> String { values[key].map { TextNormalization.collapsingWhitespace(LaTeX.toUnicode($0)) } ?? "" }
        let usePrefix = values["useprefix"].map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "{} ")).lowercased() }
        return PersonName(family: text("family"), given: text("given"), particle: text("prefix"), suffix: text("suffix"),
                          usePrefix: usePrefix.map { $0 == "true" || $0 == "1" })
    }

    /// The parts of `bytes` between commas at brace depth 0 (`atComma`), trimmed;
    /// a name with no text has none.
    static func split(_ bytes: [UInt8], atComma: Bool) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var depth = 0, start = 0
        for (i, b) in bytes.enumerated() {
            if b == 0x7B { depth += 1 } else if b == 0x7D { depth -= 1 }
            if b == 0x2C, depth == 0 {
                parts.append(bytes[start..<i])
                start = i + 1
            }
        }
        parts.append(bytes[start...])
        if parts.count == 1, words(in: parts[0]).isEmpty { return [] }
        return parts
    }

    /// The words of a part: split at white space, `~` and `\ ` outside braces.
    static func words(in part: ArraySlice<UInt8>) -> [String] {
        var words: [String] = []
        var depth = 0
        // A word is the bytes between two separators, made into a string once.
        var start = part.startIndex
        var i = part.startIndex
        func flush(skipping count: Int) {
            if start < i { words.append(String(decoding: part[start..<i], as: UTF8.self)) }
            i += count
            start = i
        }
        while i < part.endIndex {
            let b = part[i]
            if depth == 0 {
                if UTF8Bytes.isSpace(b) || (b == 0x7E && (i == part.startIndex || part[i - 1] != 0x5C)) { flush(skipping: 1); continue }
                if b == 0x5C, i + 1 < part.endIndex, part[i + 1] == 0x20 { flush(skipping: 2); continue }
            }
            if b == 0x7B { depth += 1 } else if b == 0x7D { depth = max(0, depth - 1) }
            i += 1
        }
        flush(skipping: 0)
        return words
    }

    static func firstIndex(of byte: UInt8, atDepthZeroIn part: ArraySlice<UInt8>) -> Int? {
        var depth = 0
        for i in part.indices {
            let b = part[i]
            if b == 0x7B { depth += 1 } else if b == 0x7D { depth -= 1 } else if b == byte, depth == 0 { return i }
        }
        return nil
    }

    /// Whether a word is one brace group (`{American Psychological Association}`),
    /// not a special character (`{\"O}`: a command and no space).
    static func isOneGroup(_ word: String) -> Bool {
        let bytes = Array(word.utf8)
        guard bytes.count > 2, bytes.first == 0x7B, bytes.last == 0x7D, bytes[1] != 0x5C || bytes.contains(0x20) else { return false }
        var depth = 0
        for (i, b) in bytes.enumerated() {
            if b == 0x7B { depth += 1 } else if b == 0x7D { depth -= 1 }
            if depth == 0 { return i == bytes.count - 1 }
        }
        return false
    }

    /// Whether a word belongs to the von part: its first letter at brace depth 0
    /// is lower case, or, in a special character (`{\'e}cole`), the first letter
    /// after the command. Braced text has no case; a word with no letter is not von.
    static func isVon(_ word: String) -> Bool {
        // Most words start with an ASCII letter: its case is the answer.
        if let byte = word.utf8.first, byte < 0x80, UTF8Bytes.isLetter(byte) { return byte >= 0x61 }
        let characters = Array(word)
        guard let first = characters.first else { return false }
        if first.isUppercase { return false }
        if first.isLowercase { return true }
        var depth = 0, i = 0
        while i < characters.count {
            let c = characters[i]
            if c == "{" {
                if depth == 0, i + 1 < characters.count, characters[i + 1] == "\\" {
                    // A special character: the case of its first letter after the command's name.
                    var j = i + 2, inner = 1, command = true
                    while j < characters.count {
                        let x = characters[j]
                        if x == "{" { inner += 1 } else if x == "}" { inner -= 1; if inner == 0 { break } }
                        if command {
                            if !x.isLetter { command = false }
                        } else if x.isLetter {
                            return x.isLowercase
                        }
                        j += 1
                    }
                    return false
                }
                depth += 1
            } else if c == "}" {
                depth -= 1
            } else if depth == 0, c.isLetter {
                return c.isLowercase
            }
            i += 1
        }
        return false
    }
}

extension BibTeXName {
    /// A name as a BibTeX or BibLaTeX `author` list holds it, read back by
    /// ``name(_:)`` as the same parts: `von Last, Jr, First`, with braces where a
    /// part would otherwise be split differently; an organisation in braces.
    /// BibLaTeX gets the extended format for what the classic one cannot say (a
    /// `useprefix`, a particle of capitalised words, a dropping particle).
    static func written(_ name: PersonName, dialect: BibTeXDialect) -> String {
        if let literal = name.literal { return "{" + LaTeX.escape(literal) + "}" }
        let particle = [name.droppingParticle, name.particle].filter { !$0.isEmpty }.joined(separator: " ")
        let particleIsVon = particle.split(separator: " ").allSatisfy { isVon(String($0)) }
        // `Fosas de Pando, Miguel`: a von part that starts with a capital, which
        // bibtex and biber read as von before a comma (up to its last lower-case word).
        if !particleIsVon, name.usePrefix == nil, name.droppingParticle.isEmpty, name.literal == nil {
            var candidate = LaTeX.escape(particle) + " " + LaTeX.escape(name.family)
            if !name.suffix.isEmpty { candidate += ", " + LaTeX.escape(name.suffix) }
            if !name.given.isEmpty || !name.suffix.isEmpty { candidate += ", " + LaTeX.escape(name.given) }
            if !name.given.isEmpty || !name.suffix.isEmpty, Self.name(candidate) == name { return candidate }
        }
        if dialect == .biblatex, name.usePrefix != nil || !name.droppingParticle.isEmpty || !particleIsVon {
            var parts: [String] = []
            func add(_ key: String, _ value: String) { if !value.isEmpty { parts.append(key + "={" + LaTeX.escape(value) + "}") } }
            add("family", name.family); add("given", name.given); add("prefix", particle); add("suffix", name.suffix)
            if let usePrefix = name.usePrefix { parts.append("useprefix=" + (usePrefix ? "true" : "false")) }
            return parts.joined(separator: ", ")
        }
        /// A part that the reader would split otherwise (a comma, the word `and`,
        /// a lower-case word that would join the von part) goes in braces.
        func guarded(_ text: String, family: Bool) -> String {
            let escaped = LaTeX.escape(text)
            let words = text.split(separator: " ")
            let needsBraces = text.utf8.contains(UInt8(ascii: ",")) || words.contains { $0.utf8.count == 3 && $0.lowercased() == "and" }
                || (family && words.count > 1 && words.dropLast().contains { isVon(String($0)) })
                || (family && !particleIsVon)
            return needsBraces ? "{" + escaped + "}" : escaped
        }
        var familyPart = guarded(particleIsVon ? name.family : particle + " " + name.family, family: true)
        if particleIsVon, !particle.isEmpty { familyPart = LaTeX.escape(particle) + " " + familyPart }
        if name.given.isEmpty, name.suffix.isEmpty {
            // One word alone is read as a last name; more would be First and Last.
            return name.family.utf8.contains(0x20) && particle.isEmpty ? "{" + LaTeX.escape(name.family) + "}" : familyPart
        }
        if !name.suffix.isEmpty {
            return familyPart + ", " + guarded(name.suffix, family: false) + ", " + guarded(name.given, family: false)
        }
        // A particle word that starts with no letter (`'t Hooft`) is von to bibtex but
        // not to biber; written `Gerard 't Hooft`, as sources write it, both read it as
        // they read the source.
        if particleIsVon, particle.split(separator: " ").contains(where: { $0.first?.isLetter == false }),
           !LaTeX.escape(name.given).split(separator: " ").contains(where: { isVon(String($0)) }), !name.given.utf8.contains(UInt8(ascii: ",")),
           !familyPart.hasPrefix("{"), !familyPart.utf8.contains(0x7B), !name.family.utf8.contains(0x20) {
            return LaTeX.escape(name.given) + " " + familyPart
        }
        return familyPart + ", " + guarded(name.given, family: false)
    }
}
