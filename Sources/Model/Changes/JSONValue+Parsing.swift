/// A JSON text that is not valid, or holds a number that is not an integer.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Byte offset of the problem in the text.
    public let offset: Int
    /// What is wrong, in words for a terminal.
    public let reason: String
    /// The text form.
    public var description: String { "\(reason) at byte \(offset + 1)" }
}

extension JSONValue {
    /// Parses JSON text (RFC 8259) into a value. Floats and exponents are refused:
    /// synced values hold integers only.
    ///
    /// This parser is several times faster than `JSONDecoder` into `JSONValue`,
    /// which matters when a backup of 100,000 papers is read or a library exported.
    ///
    /// ```swift
    /// try JSONValue(parsing: #"{"a":[1,"x",null]}"#)
    /// ```
    public init(parsing text: some StringProtocol) throws(JSONParseError) {
        var text = String(text)
        let result: Result<JSONValue, JSONParseError> = text.withUTF8 { buffer in
            var parser = JSONParser(bytes: buffer)
            do throws(JSONParseError) { return .success(try parser.parseDocument()) } catch { return .failure(error) }
        }
        self = try result.get()
    }

    /// Parses JSON from UTF-8 bytes.
    public init(parsingUTF8 bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        var parser = JSONParser(bytes: bytes)
        self = try parser.parseDocument()
    }

    /// Parses a file another program wrote, whose numbers may have fractions or
    /// exponents (Crossref's `"score": 1.0`): those are read as their text, as
    /// synced values hold no floats.
    package init(parsingFileUTF8 bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        var parser = JSONParser(bytes: bytes)
        parser.readsFractionsAsText = true
        self = try parser.parseDocument()
    }
}

/// The JSON parser over UTF-8 bytes. `package` so that the wire messages can walk a
/// document's outer object and arrays themselves (``SyncWire``'s `WireDocument`).
package struct JSONParser {
    package let bytes: UnsafeBufferPointer<UInt8>
    package var position = 0

    /// Whether a number with a fraction or exponent is read as its text instead of refused.
    package var readsFractionsAsText = false

    package init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else { throw fail("unexpected text after the JSON value") }
        return value
    }

    package func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: position, reason: reason) }

    /// The next byte after white space, without consuming it; nil at the end.
    package mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes `byte` after white space, or fails naming what was expected.
    package mutating func expect(_ byte: UInt8, _ what: String) throws(JSONParseError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { throw fail("expected \(what)") }
        position += 1
    }

    /// After a member or an element: true at `,` (consumed), false at `close` (consumed).
    package mutating func another(closing close: UInt8, in container: String) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end of JSON in \(container)") }
        if bytes[position] == UInt8(ascii: ",") { position += 1; return true }
        if bytes[position] == close { position += 1; return false }
        throw fail(close == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
    }

    /// Only white space is left.
    package mutating func finish() throws(JSONParseError) {
        skipWhitespace()
        guard position == bytes.count else { throw fail("unexpected text after the JSON value") }
    }

    package mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    package mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < 512 else { throw fail("JSON nested too deeply") }
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end of JSON") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var object: [String: JSONValue] = [:]
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try parseString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                position += 1
                object[key] = try parseValue(depth: depth + 1)
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of JSON in an object") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            position += 1
            var array: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(array) }
            while true {
                array.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of JSON in an array") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(array) }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard readsFractionsAsText else { return .int(try parseInteger()) }
            let start = position
            do throws(JSONParseError) {
                return .int(try parseInteger())
            } catch {
                // A fraction or exponent (or an integer out of range): the number's text.
                position = start
                if bytes[position] == UInt8(ascii: "-") { position += 1 }
                let numberBytes: Set<UInt8> = Set("0123456789.eE+-".utf8)
                while position < bytes.count, numberBytes.contains(bytes[position]) { position += 1 }
                guard position > start, Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)) != nil else {
                    position = start
                    throw error
                }
                return .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
            }
        default:
            throw fail("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail("unexpected end of JSON") }
        let start = word.utf8Start
        for i in 0..<count where bytes[position + i] != start[i] { throw fail("unexpected character") }
        position += count
    }

    mutating func parseInteger() throws(JSONParseError) -> Int64 {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") { negative = true; position += 1 }
        guard position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else { throw fail("expected a digit") }
        if bytes[position] == UInt8(ascii: "0"), position + 1 < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position + 1]) {
            throw fail("leading zeros are not allowed")
        }
        var magnitude: UInt64 = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
            guard !o1, !o2 else { position = start; throw fail("integer out of range") }
            magnitude = m2
            position += 1
        }
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
            position = start
            throw fail("numbers must be integers (no fractions or exponents)")
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { position = start; throw fail("integer out of range") }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { position = start; throw fail("integer out of range") }
        return Int64(magnitude)
    }

    /// Parses a string at `"`; the fast path copies runs without escapes in one go.
    package mutating func parseString() throws(JSONParseError) -> String {
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard let text = String(validating: slice, as: UTF8.self) else { throw JSONParseError(offset: start, reason: "invalid UTF-8 in a string") }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("control character in a string") }
            position += 1
        }
        // Slow path: escapes.
        var out: [UInt8] = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw JSONParseError(offset: start, reason: "invalid UTF-8 in a string") }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw fail("unexpected end of JSON in a string") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate in a string")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("unpaired surrogate in a string")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                    out.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    throw fail("invalid escape in a string")
                }
            default:
                if byte < 0x20 { throw fail("control character in a string") }
                out.append(byte)
                position += 1
            }
        }
        throw fail("unterminated string")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("unexpected end of JSON in a \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }
}

extension JSONValue {
    /// The strings of a JSON array that holds only strings (`["Vaswani, Ashish","Shazeer, Noam"]`),
    /// read without a value per element; nil when the text is anything else.
    ///
    /// What a store reading a list column calls for each row (``FieldValues/texts(_:)``);
    /// other JSON goes through ``init(parsing:)``.
    package static func strings(inArray text: String) -> [String]? {
        var text = text
        return text.withUTF8 { bytes -> [String]? in
            var parser = JSONParser(bytes: bytes)
            do throws(JSONParseError) {
                try parser.expect(UInt8(ascii: "["), "'['")
                var strings: [String] = []
                if parser.peek() == UInt8(ascii: "]") { parser.position += 1; try parser.finish(); return strings }
                repeat {
                    guard parser.peek() == UInt8(ascii: "\"") else { return nil }
                    strings.append(try parser.parseString())
                } while try parser.another(closing: UInt8(ascii: "]"), in: "an array")
                try parser.finish()
                return strings
            } catch {
                return nil
            }
        }
    }

    /// The members of a JSON object whose values are all strings (`{"title":"{BERT}"}`),
    /// read without a value per member; nil when the text is anything else.
    package static func strings(inObject text: String) -> [String: String]? {
        var text = text
        return text.withUTF8 { bytes -> [String: String]? in
            var parser = JSONParser(bytes: bytes)
            do throws(JSONParseError) {
                try parser.expect(UInt8(ascii: "{"), "'{'")
                var members: [String: String] = [:]
                if parser.peek() == UInt8(ascii: "}") { parser.position += 1; try parser.finish(); return members }
                repeat {
                    guard parser.peek() == UInt8(ascii: "\"") else { return nil }
                    let key = try parser.parseString()
                    try parser.expect(UInt8(ascii: ":"), "':'")
                    guard parser.peek() == UInt8(ascii: "\"") else { return nil }
                    members[key] = try parser.parseString()
                } while try parser.another(closing: UInt8(ascii: "}"), in: "an object")
                try parser.finish()
                return members
            } catch {
                return nil
            }
        }
    }
}
