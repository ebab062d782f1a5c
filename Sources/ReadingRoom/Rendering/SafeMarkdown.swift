import Foundation

/// Markdown to HTML for notes, where nothing a note holds can become markup of its
/// own: raw HTML in a note is shown as text, and links go only to `http`, `https`
/// and `mailto` addresses.
///
/// The Markdown libraries at hand pass raw HTML through (CommonMark asks them to),
/// which would let a synced note run a script in the reading room; this one knows
/// the common subset (paragraphs, headings, lists, quotes, code, emphasis, links)
/// and escapes everything else.
///
/// ```swift
/// SafeMarkdown.html("**Key idea**: <script>x</script>")
/// // <p><strong>Key idea</strong>: &lt;script&gt;x&lt;/script&gt;</p>
/// ```
enum SafeMarkdown {
    /// The note's HTML.
    static func html(_ markdown: String) -> String {
        var out = ""
        var paragraph: [Substring] = []
        var list: (ordered: Bool, items: [Substring])?
        var quote: [Substring] = []
        var code: [Substring]?

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            out += "<p>" + paragraph.map { inline(Substring($0.trimmingCharacters(in: .whitespaces))) }.joined(separator: "<br>\n") + "</p>\n"
            paragraph = []
        }
        func flushList() {
            guard let current = list else { return }
            let tag = current.ordered ? "ol" : "ul"
            out += "<\(tag)>" + current.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>\n"
            list = nil
        }
        func flushQuote() {
            guard !quote.isEmpty else { return }
            out += "<blockquote>" + html(quote.joined(separator: "\n")) + "</blockquote>\n"
            quote = []
        }
        func flushAll() { flushParagraph(); flushList(); flushQuote() }

        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            let trimmed = line.drop(while: { $0 == " " })
            if var lines = code {
                if trimmed.hasPrefix("```") {
                    out += "<pre><code>" + HTML.escape(lines.joined(separator: "\n")) + "</code></pre>\n"
                    code = nil
                } else {
                    lines.append(line)
                    code = lines
                }
                continue
            }
            if trimmed.hasPrefix("```") { flushAll(); code = []; continue }
            if trimmed.isEmpty { flushAll(); continue }
            if trimmed.hasPrefix(">") {
                flushParagraph(); flushList()
                quote.append(trimmed.dropFirst().drop(while: { $0 == " " }))
                continue
            }
            flushQuote()
            if let level = headingLevel(trimmed) {
                flushAll()
                let text = trimmed.dropFirst(level).trimmingCharacters(in: .whitespaces)
                out += "<h\(level + 2)>" + inline(Substring(text)) + "</h\(level + 2)>\n"
                continue
            }
            if trimmed.count >= 3, Set(trimmed.filter { $0 != " " }).count == 1, let mark = trimmed.first, "-*_".contains(mark) {
                flushAll()
                out += "<hr>\n"
                continue
            }
            if let item = listItem(trimmed) {
                flushParagraph()
                if let current = list, current.ordered != item.ordered { flushList() }
                list = (item.ordered, (list?.items ?? []) + [item.text])
                continue
            }
            if list != nil, line.hasPrefix("  "), var current = list, let last = current.items.popLast() {
                // A continuation line of the last item.
                current.items.append(Substring(last + " " + trimmed))
                list = current
                continue
            }
            flushList()
            paragraph.append(line)
        }
        if let lines = code { out += "<pre><code>" + HTML.escape(lines.joined(separator: "\n")) + "</code></pre>\n" }
        flushAll()
        return out
    }

    /// 1 to 6 for `#` to `######` followed by a space.
    static func headingLevel(_ line: Substring) -> Int? {
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    static func listItem(_ line: Substring) -> (ordered: Bool, text: Substring)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return (false, line.dropFirst(2))
        }
        let digits = line.prefix(while: \.isASCII).prefix(while: \.isNumber)
        if !digits.isEmpty, digits.count <= 9 {
            let rest = line.dropFirst(digits.count)
            if rest.first == "." || rest.first == ")", rest.dropFirst().first == " " { return (true, rest.dropFirst(2)) }
        }
        return nil
    }

    /// Code spans, links, strong and emphasis; every other character escaped.
    static func inline(_ text: Substring) -> String {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let rest = text[index...]
            if character == "\\", let next = text.index(index, offsetBy: 1, limitedBy: text.endIndex), next < text.endIndex,
               "\\`*_[]()#+-.!<>".contains(text[next]) {
                out += HTML.escape(String(text[next]))
                index = text.index(after: next)
                continue
            }
            if character == "`", let close = rest.dropFirst().firstIndex(of: "`") {
                out += "<code>" + HTML.escape(text[text.index(after: index)..<close]) + "</code>"
                index = text.index(after: close)
                continue
            }
            if character == "[", let link = link(rest) {
                out += link.html
                index = link.end
                continue
            }
            for (mark, tag) in [("**", "strong"), ("__", "strong"), ("*", "em"), ("_", "em")] where rest.hasPrefix(mark) {
                let inner = rest.dropFirst(mark.count)
                // `_` inside a word (snake_case) is not emphasis.
                if mark.first == "_", index > text.startIndex, text[text.index(before: index)].isLetter || text[text.index(before: index)].isNumber { continue }
                if let first = inner.first, !first.isWhitespace, let close = inner.range(of: mark), close.lowerBound > inner.startIndex,
                   !inner[inner.index(before: close.lowerBound)].isWhitespace {
                    out += "<\(tag)>" + self.inline(inner[..<close.lowerBound]) + "</\(tag)>"
                    index = close.upperBound
                    break
                }
            }
            if index != rest.startIndex { continue }
            out += HTML.escape(String(character))
            index = text.index(after: index)
        }
        return out
    }

    /// `[text](address)` at the start of `text`, when the address is one a note may link to.
    static func link(_ text: Substring) -> (html: String, end: Substring.Index)? {
        guard let closeText = text.firstIndex(of: "]"), text[text.index(after: closeText)...].first == "(" else { return nil }
        let addressStart = text.index(closeText, offsetBy: 2)
        guard addressStart <= text.endIndex, let closeAddress = text[addressStart...].firstIndex(of: ")") else { return nil }
        let label = text[text.index(after: text.startIndex)..<closeText]
        let address = text[addressStart..<closeAddress].trimmingCharacters(in: .whitespaces)
        let lower = address.lowercased()
        guard !label.isEmpty, ["http://", "https://", "mailto:"].contains(where: lower.hasPrefix),
              !address.contains(where: { $0.isWhitespace || $0.isNewline }) else { return nil }
        return ("<a href=\"\(HTML.escape(address))\" rel=\"noopener noreferrer\">" + inline(label) + "</a>", text.index(after: closeAddress))
    }
}
