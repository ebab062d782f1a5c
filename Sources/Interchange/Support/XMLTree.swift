import Model

/// A small XML reader for the feeds reader imports (the arXiv API's Atom).
///
/// It reads elements, attributes, text, CDATA, comments, processing instructions
/// and the predefined and numeric entities into a tree, keeping qualified names
/// as written (`arxiv:doi`). It does not read DTDs or resolve namespaces: feeds
/// use fixed prefixes, and Foundation's XML parser needs libxml2, which a
/// statically linked `reader` does not carry.
struct XMLTree {
    /// An element with its attributes, text and children.
    final class Element {
        let name: String
        let attributes: [String: String]
        let line: Int
        var children: [Element] = []
        var text = ""

        init(name: String, attributes: [String: String], line: Int) {
            self.name = name; self.attributes = attributes; self.line = line
        }

        /// The children named `name`.
        func all(_ name: String) -> [Element] { children.filter { $0.name == name } }
        /// The first child named `name`.
        func first(_ name: String) -> Element? { children.first { $0.name == name } }
        /// The text of the first child named `name`, white space collapsed; nil when absent or empty.
        func text(of name: String) -> String? {
            guard let child = first(name) else { return nil }
            let collapsed = TextNormalization.collapsingWhitespace(child.text)
            return collapsed.isEmpty ? nil : collapsed
        }
    }

    /// A document that is not well-formed XML.
    struct SyntaxError: Error {
        let line: Int
        let reason: String
    }

    /// The root element of `text`.
    static func parse(_ text: String) throws(SyntaxError) -> Element {
        var text = text
        let result: Result<Element, SyntaxError> = text.withUTF8 { bytes in
            Result { () throws(SyntaxError) in
                var reader = Reader(bytes: bytes)
                return try reader.document()
            }
        }
        return try result.get()
    }

    /// Reads a document element by element: the whole tree (``document()``), or
    /// the root's children one at a time (``nextChild(named:)``), each taken out of
    /// the tree once handed over, so that a long feed is never held whole.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0
        var line = 1
        /// The elements open at `i`, outermost first.
        private var stack: [Element] = []
        /// The root element, once it is closed.
        private var root: Element?

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// The root element as far as it was read: nil before its start tag.
        var outermost: Element? { root ?? stack.first }

        /// The root element of the whole document.
        mutating func document() throws(SyntaxError) -> Element {
            while i < bytes.count { _ = try step() }
            return try finished()
        }

        /// The next child of the root named `name`, read whole and taken out of the
        /// root's children; nil once the document ends (checked to be well formed).
        mutating func nextChild(named name: String) throws(SyntaxError) -> Element? {
            while i < bytes.count {
                guard let closed = try step() else { continue }
                if stack.count == 1, closed.name == name, let parent = stack.first {
                    parent.children.removeLast()
                    return closed
                }
            }
            _ = try finished()
            return nil
        }

        /// The root, once every byte was read: an error when an element is still open.
        private func finished() throws(SyntaxError) -> Element {
            if let open = stack.last { throw SyntaxError(line: open.line, reason: "<\(open.name)> is never closed") }
            guard let root else { throw SyntaxError(line: line, reason: "no root element") }
            return root
        }

        /// Reads one tag, comment or run of text; returns the element a tag closed.
        private mutating func step() throws(SyntaxError) -> Element? {
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "<") {
                if starts(with: "<!--") {
                    try skip(past: "-->")
                } else if starts(with: "<![CDATA[") {
                    i += 9
                    let start = i
                    try skip(past: "]]>")
                    stack.last?.text += String(decoding: bytes[start..<(i - 3)], as: UTF8.self)
                } else if starts(with: "<?") || starts(with: "<!") {
                    try skip(past: ">")
                } else if starts(with: "</") {
                    i += 2
                    let name = readName()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else { throw SyntaxError(line: line, reason: "expected '>' after </\(name)") }
                    i += 1
                    guard let open = stack.last, open.name == name else {
                        throw SyntaxError(line: line, reason: "</\(name)> does not close \(stack.last.map { "<\($0.name)>" } ?? "any element")")
                    }
                    stack.removeLast()
                    if stack.isEmpty { root = open }
                    return open
                } else {
                    i += 1
                    let (element, isOpen) = try openTag()
                    if isOpen {
                        stack.append(element)
                    } else {
                        if stack.isEmpty { root = element }
                        return element
                    }
                }
            } else {
                let start = i
                while i < bytes.count, bytes[i] != UInt8(ascii: "<") {
                    if bytes[i] == 0x0A { line += 1 }
                    i += 1
                }
                if let current = stack.last {
                    current.text += try decodeEntities(bytes[start..<i])
                } else if bytes[start..<i].contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
                    throw SyntaxError(line: line, reason: "text outside the root element")
                }
            }
            return nil
        }

        /// Reads a start tag after its `<`: the element, and whether it stays open.
        mutating func openTag() throws(SyntaxError) -> (Element, Bool) {
            let tagLine = line
            let name = readName()
            guard !name.isEmpty else { throw SyntaxError(line: line, reason: "expected an element name after '<'") }
            var attributes: [String: String] = [:]
            while true {
                skipSpace()
                guard i < bytes.count else { throw SyntaxError(line: tagLine, reason: "<\(name) is never finished") }
                if bytes[i] == UInt8(ascii: "/") {
                    guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ">") else { throw SyntaxError(line: line, reason: "expected '/>' in <\(name)>") }
                    i += 2
                    let element = Element(name: name, attributes: attributes, line: tagLine)
                    stack.last?.children.append(element)
                    return (element, false)
                }
                if bytes[i] == UInt8(ascii: ">") {
                    i += 1
                    let element = Element(name: name, attributes: attributes, line: tagLine)
                    stack.last?.children.append(element)
                    return (element, true)
                }
                let attribute = readName()
                guard !attribute.isEmpty else { throw SyntaxError(line: line, reason: "unexpected character in <\(name)>") }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { throw SyntaxError(line: line, reason: "attribute \(attribute) of <\(name)> has no value") }
                i += 1
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                    throw SyntaxError(line: line, reason: "the value of \(attribute) in <\(name)> is not quoted")
                }
                let quote = bytes[i]
                i += 1
                let start = i
                while i < bytes.count, bytes[i] != quote {
                    if bytes[i] == 0x0A { line += 1 }
                    i += 1
                }
                guard i < bytes.count else { throw SyntaxError(line: tagLine, reason: "the value of \(attribute) in <\(name)> is never closed") }
                attributes[attribute] = try decodeEntities(bytes[start..<i])
                i += 1
            }
        }

        mutating func readName() -> String {
            let start = i
            while i < bytes.count {
                let b = bytes[i]
                let isNameByte = b >= 0x80 || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                    || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ":") || b == UInt8(ascii: "_")
                    || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
                guard isNameByte else { break }
                i += 1
            }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
        }

        func starts(with prefix: String) -> Bool {
            let p = Array(prefix.utf8)
            return i + p.count <= bytes.count && bytes[i..<(i + p.count)].elementsEqual(p)
        }

        mutating func skip(past end: String) throws(SyntaxError) {
            let startLine = line
            while i < bytes.count {
                if starts(with: end) { i += end.utf8.count; return }
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
            throw SyntaxError(line: startLine, reason: "'\(end)' expected before the end of the file")
        }

        /// Text with `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#N;` and `&#xN;` decoded.
        func decodeEntities(_ raw: Slice<UnsafeBufferPointer<UInt8>>) throws(SyntaxError) -> String {
            guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
            var out: [UInt8] = []
            var j = raw.startIndex
            while j < raw.endIndex {
                guard raw[j] == UInt8(ascii: "&") else { out.append(raw[j]); j += 1; continue }
                guard let semicolon = raw[j...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                    throw SyntaxError(line: line, reason: "a bare '&' (write &amp;)")
                }
                let name = String(decoding: raw[(j + 1)..<semicolon], as: UTF8.self)
                var scalar: Unicode.Scalar?
                switch name {
                case "amp": scalar = "&"
                case "lt": scalar = "<"
                case "gt": scalar = ">"
                case "quot": scalar = "\""
                case "apos": scalar = "'"
                default:
                    if name.hasPrefix("#x") || name.hasPrefix("#X") {
                        scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                    } else if name.hasPrefix("#") {
                        scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
                    }
                }
                guard let scalar else { throw SyntaxError(line: line, reason: "unknown entity &\(name);") }
                out.append(contentsOf: Array(String(scalar).utf8))
                j = semicolon + 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
