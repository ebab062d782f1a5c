import Model

/// A message's JSON read with the objects of its one large array (a page's
/// `changes`, a push's `changes`, a receipt's `results`) kept as member lists
/// rather than dictionaries (see ``WireObject``). The whole text is read before any
/// member is checked, so a message gets the same first error either way.
struct WireDocument {
    /// An element of the array: an object's members, or any other value (refused
    /// when the message reads it).
    enum Element {
        case object(WireObject.Members)
        case other(JSONValue)

        /// The element as an object at `array[index]`.
        func object(in array: String, at index: Int) throws(WireFormatError) -> WireObject {
            switch self {
            case .object(let members): return WireObject(members: members, in: array, at: index)
            case .other: throw WireFormatError(path: "\(array)[\(index)]", reason: "expected a JSON object")
            }
        }
    }

    /// The top-level object. When the array's member is an array, its value here is
    /// empty and its elements are in ``elements``.
    let object: WireObject
    /// The array's elements, when its member is an array.
    let elements: [Element]?

    /// A document already parsed (`init(json:)`).
    init(_ json: JSONValue, array key: String) throws(WireFormatError) {
        object = try WireObject(json)
        if case .array(let items)? = object.member(key) {
            elements = items.map { item in
                if case .object(let members) = item { .object(members.map { ($0.key, $0.value) }) } else { .other(item) }
            }
        } else {
            elements = nil
        }
    }

    /// Reads UTF-8 JSON text whose top level should be an object.
    init(utf8 bytes: UnsafeBufferPointer<UInt8>, array key: String) throws(WireFormatError) {
        var parser = JSONParser(bytes: bytes)
        let read: Result<(WireObject.Members, [Element]?)?, JSONParseError> = {
            do throws(JSONParseError) { return .success(try Self.read(&parser, array: key)) } catch { return .failure(error) }
        }()
        switch read {
        case .success(let parsed?):
            object = WireObject(members: parsed.0)
            elements = parsed.1
        case .success(nil):
            throw WireFormatError(path: "", reason: "expected a JSON object")
        case .failure(let error):
            throw WireFormatError(path: "", reason: "not valid JSON: \(error)")
        }
    }

    /// The members and the array's elements; nil for valid JSON that is not an object.
    private static func read(_ parser: inout JSONParser, array key: String) throws(JSONParseError) -> (WireObject.Members, [Element]?)? {
        guard parser.peek() == UInt8(ascii: "{") else {
            _ = try parser.parseValue(depth: 0)
            try parser.finish()
            return nil
        }
        parser.position += 1
        var members: WireObject.Members = []
        var elements: [Element]?
        if parser.peek() == UInt8(ascii: "}") {
            parser.position += 1
        } else {
            repeat {
                let name = try memberName(&parser)
                if name == key, parser.peek() == UInt8(ascii: "[") {
                    elements = try readElements(&parser)
                    members.append((name, .array([])))
                } else {
                    if name == key { elements = nil }
                    members.append((name, try parser.parseValue(depth: 1)))
                }
            } while try parser.another(closing: UInt8(ascii: "}"), in: "an object")
        }
        try parser.finish()
        return (members, elements)
    }

    /// The array at the parser, its objects read as member lists.
    private static func readElements(_ parser: inout JSONParser) throws(JSONParseError) -> [Element] {
        parser.position += 1
        var elements: [Element] = []
        if parser.peek() == UInt8(ascii: "]") {
            parser.position += 1
            return elements
        }
        repeat {
            guard parser.peek() == UInt8(ascii: "{") else {
                elements.append(.other(try parser.parseValue(depth: 2)))
                continue
            }
            parser.position += 1
            var members: WireObject.Members = []
            members.reserveCapacity(8)
            if parser.peek() == UInt8(ascii: "}") {
                parser.position += 1
            } else {
                repeat {
                    let name = try memberName(&parser)
                    members.append((name, try parser.parseValue(depth: 3)))
                } while try parser.another(closing: UInt8(ascii: "}"), in: "an object")
            }
            elements.append(.object(members))
        } while try parser.another(closing: UInt8(ascii: "]"), in: "an array")
        return elements
    }

    /// A member's name and its `:`.
    private static func memberName(_ parser: inout JSONParser) throws(JSONParseError) -> String {
        guard parser.peek() == UInt8(ascii: "\"") else { throw parser.fail("expected a string key") }
        let name = try parser.parseString()
        try parser.expect(UInt8(ascii: ":"), "':'")
        return name
    }
}
