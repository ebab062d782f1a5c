/// A BibTeX file's `@preamble`: the LaTeX it puts before the bibliography, most
/// often the definitions of macros its entries use (`\\noopsort`, `\\singleletter`).
///
/// An import keeps the preamble with each entry that uses one of the commands it
/// defines (``Model/Paper/bibFields`` `@preamble`); the BibTeX and BibLaTeX exports
/// write it once, before the first such entry, so that the exported file typesets as
/// the original does.
struct Preamble: Sendable {
    /// The preambles' texts, in file order, joined.
    let text: String
    /// The commands they define (`noopsort`), without the backslash.
    let commands: [String]

    /// The preamble of a file's `@preamble` texts; nil when there are none.
    init?(_ texts: [String]) {
        let text = texts.filter { !$0.allSatisfy(\.isWhitespace) }.joined(separator: " ")
        guard !text.isEmpty else { return nil }
        self.text = text
        commands = Self.definedCommands(in: text)
    }

    /// Whether any field of `entry` uses a command the preamble defines (or, when
    /// it defines none that can be told, whether the entry uses any macro at all).
    func isUsed(by entry: BibTeXParser.Entry) -> Bool {
        entry.fields.contains { field in
            guard field.value.contains("\\") else { return false }
            return commands.isEmpty || commands.contains { field.value.contains("\\" + $0) }
        }
    }

    /// `\\newcommand{\\x}`, `\\newcommand\\x`, `\\providecommand`, `\\renewcommand`,
    /// `\\DeclareRobustCommand`, `\\def\\x`, `\\let\\x`: the names defined.
    static func definedCommands(in text: String) -> [String] {
        let definers = ["newcommand", "renewcommand", "providecommand", "DeclareRobustCommand", "def", "gdef", "edef", "let"]
        var names: [String] = []
        let chars = Array(text.utf8)
        var i = 0
        while i < chars.count {
            guard chars[i] == UInt8(ascii: "\\") else { i += 1; continue }
            var j = i + 1
            while j < chars.count, UTF8Bytes.isLetter(chars[j]) { j += 1 }
            let word = String(decoding: chars[(i + 1)..<j], as: UTF8.self)
            i = j
            guard definers.contains(word) else { continue }
            while i < chars.count, chars[i] == UInt8(ascii: "*") || chars[i] == UInt8(ascii: "{") || UTF8Bytes.isSpace(chars[i]) { i += 1 }
            guard i < chars.count, chars[i] == UInt8(ascii: "\\") else { continue }
            var k = i + 1
            while k < chars.count, UTF8Bytes.isLetter(chars[k]) { k += 1 }
            if k > i + 1 { names.append(String(decoding: chars[(i + 1)..<k], as: UTF8.self)) }
            i = k
        }
        return names
    }
}
