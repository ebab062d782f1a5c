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

    /// The record as a ``SyncRecord``: only fields that were ever set.
    var syncRecord: SyncRecord {
        var fields: [String: Stamped] = [:]
        for (name, hlc) in clocks {
            fields[name] = Stamped(values[name] ?? .null, at: hlc)
        }
        return SyncRecord(entity: entity, id: id, fields: fields)
    }

    static func fetch(_ db: Database, entity: Entity, id: String) throws -> StoredRecord? {
        let columns = entity.fields.map(\.name).joined(separator: ", ")
        let statement = try db.cachedStatement(sql: "SELECT id, \(columns), clocks, changed_at FROM \(entity.table) WHERE id = ?")
        guard let row = try Row.fetchOne(statement, arguments: [id]) else { return nil }
        return try StoredRecord(row: row, entity: entity)
    }

    init(row: Row, entity: Entity) throws {
        self.entity = entity
        self.id = row["id"]
        var values: [String: JSONValue] = [:]
        for field in entity.fields {
            values[field.name] = try JSONValue(databaseValue: row[field.name], kind: field.kind)
        }
        self.values = values
        self.clocks = StoredRecord.decodeClocks(row["clocks"])
        self.changedAt = row["changed_at"]
    }

    static func encodeClocks(_ clocks: [String: HLC]) -> String {
        JSONValue.object(clocks.mapValues { .string($0.description) }).canonicalJSON
    }

    static func decodeClocks(_ text: String) -> [String: HLC] {
        guard case .object(let object)? = try? JSONValue(parsing: text) else { return [:] }
        return object.compactMapValues { $0.stringValue.flatMap(HLC.init) }
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
