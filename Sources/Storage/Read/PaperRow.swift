import Foundation
import GRDB
import Model

/// A row that starts with ``Library/paperColumns``, read as a paper's fields by
/// column position.
///
/// Text and integer fields are read straight from their columns, and list and
/// object fields straight from their JSON, so that a paper is made without a
/// ``JSONValue`` per field: every list, search and export reads its papers here.
struct PaperRow: FieldValues {
    /// The paper fields in column order.
    static let fields = Entity.paper.fields
    /// Each field's column and kind, by name.
    static let columns = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1.name, (index: $0 + 2, kind: $1.kind)) })
    /// The column after the fields: when the paper last changed.
    static let changedAtColumn = fields.count + 2

    let row: Row

    /// The paper this row holds.
    var paper: Paper {
        let id: String = row[1]
        let changedAt: Int64? = row.hasNull(atIndex: Self.changedAtColumn) ? nil : row[Self.changedAtColumn] as Int64
        return Paper(id: UUID(parsing: id) ?? UUID(uuid: UUID_NULL_BYTES), updatedAt: Library.date(changedAt), fields: self)
    }

    func value(_ name: String) -> JSONValue? {
        guard let column = Self.columns[name] else { return nil }
        return try? JSONValue(databaseValue: row[column.index], kind: column.kind)
    }

    func text(_ name: String) -> String? {
        guard let column = Self.columns[name], column.kind == .text, !row.hasNull(atIndex: column.index) else { return nil }
        return row[column.index] as String
    }

    func integer(_ name: String) -> Int64? {
        guard let column = Self.columns[name], column.kind == .integer, !row.hasNull(atIndex: column.index) else { return nil }
        return row[column.index] as Int64
    }

    func texts(_ name: String) -> [String] {
        guard let json = json(name) else { return [] }
        return JSONValue.strings(inArray: json) ?? (try? JSONValue(parsing: json))?.stringElements ?? []
    }

    func textsByName(_ name: String) -> [String: String] {
        guard let json = json(name) else { return [:] }
        return JSONValue.strings(inObject: json) ?? (try? JSONValue(parsing: json))?.stringMembers ?? [:]
    }

    /// The JSON text of a structured field.
    private func json(_ name: String) -> String? {
        guard let column = Self.columns[name], column.kind == .json, !row.hasNull(atIndex: column.index) else { return nil }
        return row[column.index] as String
    }
}
