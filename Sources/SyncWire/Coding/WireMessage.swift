import Model

/// A message of the sync protocol: written as canonical JSON and read back with
/// errors that name the JSON path of the problem.
///
/// Messages do not use `Codable`: a first sync moves millions of field changes,
/// and the library's own JSON parser and writer are several times faster than
/// `JSONDecoder`/`JSONEncoder` on Linux. Keys are written in sorted order.
public protocol WireMessage: Sendable {
    /// Reads the message from a parsed JSON value.
    init(json: JSONValue) throws(WireFormatError)
    /// Reads the message from UTF-8 JSON text. The default parses a ``Model/JSONValue``
    /// and calls ``init(json:)``; the messages that carry thousands of changes read
    /// their array's objects straight from the text (``WireDocument``).
    init(utf8: UnsafeBufferPointer<UInt8>) throws(WireFormatError)
    /// Appends the message's canonical JSON text.
    func write(to out: inout String)
}

extension WireMessage {
    /// The canonical JSON text.
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The canonical JSON as UTF-8 bytes.
    public var jsonBytes: [UInt8] { Array(jsonText.utf8) }

    /// Reads a message from UTF-8 JSON bytes.
    public init(bytes: some Collection<UInt8>) throws(WireFormatError) {
        let array = Array(bytes)
        let read: Result<Self, WireFormatError> = array.withUnsafeBufferPointer { buffer in
            do throws(WireFormatError) { return .success(try Self(utf8: buffer)) } catch { return .failure(error) }
        }
        self = try read.get()
    }

    public init(utf8 buffer: UnsafeBufferPointer<UInt8>) throws(WireFormatError) {
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsingUTF8: buffer)
        } catch {
            throw WireFormatError(path: "", reason: "not valid JSON: \(error)")
        }
        try self.init(json: parsed)
    }
}

/// Reads the members of one JSON object, naming the path of any problem.
///
/// The members are kept in document order in a small array, not a dictionary: the
/// changes of a first sync are millions of seven-member objects, and hashing their
/// keys showed in the push's and the pull's profiles. A key given twice counts once,
/// with its last value, as in a dictionary.
struct WireObject {
    typealias Members = [(key: String, value: JSONValue)]

    let members: Members
    /// The path of the object: `""`, `limits`, or the array holding it.
    private let base: String
    /// The object's index in the array `base`, when it is an element.
    private let index: Int?

    init(_ json: JSONValue, path: String = "") throws(WireFormatError) {
        guard case .object(let members) = json else {
            throw WireFormatError(path: path, reason: "expected a JSON object")
        }
        self.members = members.map { ($0.key, $0.value) }
        base = path
        index = nil
    }

    /// The element `index` of the array `array`, read by ``WireDocument``.
    init(members: Members, in array: String, at index: Int) {
        self.members = members
        base = array
        self.index = index
    }

    /// The top-level object, read by ``WireDocument``.
    init(members: Members) {
        self.members = members
        base = ""
        index = nil
    }

    /// `changes[3]`: made only when a problem is named.
    var path: String { index.map { "\(base)[\($0)]" } ?? base }

    /// The value of a member, nil when it is missing.
    func member(_ key: String) -> JSONValue? {
        members.last { $0.key == key }?.value
    }

    func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func value(_ key: String) throws(WireFormatError) -> JSONValue {
        guard let value = member(key) else { throw WireFormatError(path: at(key), reason: "missing") }
        return value
    }

    func int(_ key: String) throws(WireFormatError) -> Int64 {
        guard case .int(let i) = try value(key) else { throw WireFormatError(path: at(key), reason: "expected an integer") }
        return i
    }

    func optionalInt(_ key: String) throws(WireFormatError) -> Int64? {
        guard let value = member(key), value != .null else { return nil }
        guard case .int(let i) = value else { throw WireFormatError(path: at(key), reason: "expected an integer") }
        return i
    }

    func string(_ key: String) throws(WireFormatError) -> String {
        guard case .string(let s) = try value(key) else { throw WireFormatError(path: at(key), reason: "expected a string") }
        return s
    }

    func optionalString(_ key: String) throws(WireFormatError) -> String? {
        guard let value = member(key), value != .null else { return nil }
        guard case .string(let s) = value else { throw WireFormatError(path: at(key), reason: "expected a string") }
        return s
    }

    func bool(_ key: String) throws(WireFormatError) -> Bool {
        guard case .bool(let b) = try value(key) else { throw WireFormatError(path: at(key), reason: "expected true or false") }
        return b
    }

    func array(_ key: String) throws(WireFormatError) -> [JSONValue] {
        guard case .array(let items) = try value(key) else { throw WireFormatError(path: at(key), reason: "expected an array") }
        return items
    }

    func hlc(_ key: String) throws(WireFormatError) -> HLC {
        guard let hlc = HLC(try string(key)) else {
            throw WireFormatError(path: at(key), reason: "expected an HLC like 1732660000123-0004-8f3a1b2c3d4e5f60")
        }
        return hlc
    }

    /// A record kind: lower-case letters, digits and `_`, starting with a letter.
    func name(_ key: String, maxLength: Int) throws(WireFormatError) -> String {
        let text = try string(key)
        guard WireNames.isValidName(text, maxLength: maxLength) else {
            throw WireFormatError(path: at(key), reason: "expected a name of lower-case letters, digits and _ (at most \(maxLength))")
        }
        return text
    }

    func recordID(_ key: String) throws(WireFormatError) -> String {
        let text = try string(key)
        guard WireNames.isValidID(text) else {
            throw WireFormatError(path: at(key), reason: "expected a lower-case UUID")
        }
        return text
    }
}

/// The shapes of names and ids on the wire.
public enum WireNames {
    /// An entity or field name: `[a-z][a-z0-9_]*`, at most `maxLength` bytes.
    public static func isValidName(_ text: String, maxLength: Int) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= maxLength, (0x61...0x7A).contains(first) else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }

    /// A record id: a lower-case UUID in its 36-character form.
    public static func isValidID(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.count == 36 else { return false }
        for (i, byte) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard byte == 0x2D else { return false }
            } else {
                guard (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) else { return false }
            }
        }
        return true
    }
}

/// Writes the members of one JSON object in the order given (callers give sorted keys).
struct WireWriter {
    private var first = true

    mutating func key(_ name: String, _ out: inout String) {
        out += first ? "{" : ","
        first = false
        JSONValue.writeString(name, to: &out)
        out += ":"
    }

    mutating func int(_ name: String, _ value: Int64?, _ out: inout String) {
        guard let value else { return }
        key(name, &out)
        out += String(value)
    }

    mutating func string(_ name: String, _ value: String?, _ out: inout String) {
        guard let value else { return }
        key(name, &out)
        JSONValue.writeString(value, to: &out)
    }

    mutating func bool(_ name: String, _ value: Bool, _ out: inout String) {
        key(name, &out)
        out += value ? "true" : "false"
    }

    mutating func value(_ name: String, _ value: JSONValue?, _ out: inout String) {
        guard let value else { return }
        key(name, &out)
        value.write(to: &out)
    }

    mutating func array<T>(_ name: String, _ items: [T], _ out: inout String, _ each: (T, inout String) -> Void) {
        key(name, &out)
        out += "["
        for (i, item) in items.enumerated() {
            if i > 0 { out += "," }
            each(item, &out)
        }
        out += "]"
    }

    mutating func close(_ out: inout String) {
        out += first ? "{}" : "}"
    }
}
