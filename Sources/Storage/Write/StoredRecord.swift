import Foundation
import GRDB
import Model

/// A record as stored: its field values and the clock that set each one.
struct StoredRecord {
    var entity: Entity
    var id: String
    var values: [String: JSONValue]
    var clocks: [String: HLC]
    var changedAt: Int64

    static func fetch(_ db: Database, entity: Entity, id: String) throws -> StoredRecord? {
        let statement = try db.cachedStatement(sql: "\(selectAll(entity)) WHERE id = ?")
        // A cursor's row is read in place; `Row.fetchOne` copies every column (and
        // their names) first, which showed in the first push's profile. The row is
        // valid only while the cursor lives: it resets the statement when it goes.
        let cursor = try Row.fetchCursor(statement, arguments: [id])
        guard let row = try cursor.next() else { return nil }
        return try withExtendedLifetime(cursor) { try StoredRecord(row: row, entity: entity) }
    }

    /// `SELECT id, <the entity's fields in order>, clocks, changed_at FROM <table>`:
    /// the columns ``init(row:entity:)`` reads, written once per kind.
    static func selectAll(_ entity: Entity) -> String {
        switch entity {
        case .paper: selectPaper
        case .note: selectNote
        case .highlight: selectHighlight
        case .tag: selectTag
        case .paperTag: selectPaperTag
        case .attachment: selectAttachment
        }
    }

    private static func select(_ entity: Entity) -> String {
        "SELECT id, \(entity.fields.map(\.name).joined(separator: ", ")), clocks, changed_at FROM \(entity.table)"
    }

    private static let selectPaper = select(.paper), selectNote = select(.note), selectHighlight = select(.highlight),
                       selectTag = select(.tag), selectPaperTag = select(.paperTag), selectAttachment = select(.attachment)

    /// A record from a row of `SELECT id, <the entity's fields in order>, clocks, changed_at`.
    /// Columns are read by position: looking each one up by name costs a hash per field.
    init(row: Row, entity: Entity) throws {
        self.entity = entity
        self.id = row[0]
        let fields = entity.fields
        var values: [String: JSONValue] = [:]
        values.reserveCapacity(fields.count)
        for (offset, field) in fields.enumerated() {
            let value: DatabaseValue = row[offset + 1]
            values[field.name] = try JSONValue(databaseValue: value, kind: field.kind)
        }
        self.values = values
        self.clocks = StoredRecord.decodeClocks(row[fields.count + 1])
        self.changedAt = row[fields.count + 2]
    }

    /// The record of a row like ``init(row:entity:)`` reads, as a ``SyncRecord``:
    /// only fields that were ever set (have a clock), built without the dictionary
    /// of values, since a full export does this for every record.
    static func syncRecord(row: Row, entity: Entity) throws -> SyncRecord {
        let fields = entity.fields
        let clocks = decodeClocks(row[fields.count + 1])
        var stamped: [String: Stamped] = [:]
        stamped.reserveCapacity(clocks.count)
        for (offset, field) in fields.enumerated() {
            guard let hlc = clocks[field.name] else { continue }
            let value: DatabaseValue = row[offset + 1]
            stamped[field.name] = Stamped(try JSONValue(databaseValue: value, kind: field.kind), at: hlc)
        }
        return SyncRecord(entity: entity, id: row[0], fields: stamped)
    }

    /// The clocks as canonical JSON (`{"name":"hlc",...}`, sorted names), written
    /// directly: every stored record writes them.
    static func encodeClocks(_ clocks: [String: HLC]) -> String {
        var out = "{"
        for (index, name) in clocks.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            JSONValue.writeString(name, to: &out)
            out += ":\""
            out += clocks[name]?.description ?? ""
            out += "\""
        }
        return out + "}"
    }

    static func decodeClocks(_ text: String) -> [String: HLC] {
        if let clocks = decodeCanonicalClocks(text) { return clocks }
        guard case .object(let object)? = try? JSONValue(parsing: text) else { return [:] }
        return object.compactMapValues { $0.stringValue.flatMap(HLC.init) }
    }

    /// The clocks as ``encodeClocks(_:)`` writes them (`{"name":"hlc",...}`, names
    /// without escapes), read without building JSON values; nil for anything else.
    static func decodeCanonicalClocks(_ text: String) -> [String: HLC]? {
        var text = text
        return text.withUTF8 { bytes -> [String: HLC]? in
            guard bytes.count >= 2, bytes[0] == 0x7B, bytes[bytes.count - 1] == 0x7D else { return nil }
            var clocks: [String: HLC] = [:]
            var i = 1
            func quoted() -> String? {
                guard i < bytes.count, bytes[i] == 0x22 else { return nil }
                let start = i + 1
                var end = start
                while end < bytes.count, bytes[end] != 0x22 {
                    if bytes[end] == 0x5C { return nil }
                    end += 1
                }
                guard end < bytes.count else { return nil }
                i = end + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
            while i < bytes.count - 1 {
                guard let name = quoted(), i < bytes.count, bytes[i] == 0x3A else { return nil }
                i += 1
                guard let value = quoted(), let hlc = HLC(value) else { return nil }
                clocks[name] = hlc
                if bytes[i] == 0x2C { i += 1 } else if i != bytes.count - 1 { return nil }
            }
            return clocks
        }
    }
}

extension JSONValue {
    /// How the value is stored in its column: structured values as canonical JSON text.
    var databaseValue: (any DatabaseValueConvertible)? {
        switch self {
        case .null: nil
        case .bool(let b): b ? 1 : 0
        case .int(let i): i
        case .string(let s): s
        case .array, .object: canonicalJSON
        }
    }

    init(databaseValue: DatabaseValue, kind: Entity.FieldKind) throws {
        if databaseValue.isNull { self = .null; return }
        switch kind {
        case .text: self = String.fromDatabaseValue(databaseValue).map(JSONValue.string) ?? .null
        case .integer: self = Int64.fromDatabaseValue(databaseValue).map(JSONValue.int) ?? .null
        case .boolean: self = Int64.fromDatabaseValue(databaseValue).map { .bool($0 != 0) } ?? .null
        case .json:
            guard let text = String.fromDatabaseValue(databaseValue) else { self = .null; return }
            self = try JSONValue(parsing: text)
        }
    }
}
