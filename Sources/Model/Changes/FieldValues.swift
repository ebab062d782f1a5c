/// A record's stored field values, read by field name (``Entity/fields``): what
/// ``Paper/init(id:updatedAt:fields:)`` maps to properties.
///
/// Only ``value(_:)`` is required. A store that reads a row by column implements the
/// typed reads too, straight from its columns, so that a paper read from the library
/// needs no ``JSONValue`` per field: at 10,000 papers, building those values was a
/// fifth of an export's instructions.
public protocol FieldValues {
    /// The field's value; nil when it is missing.
    func value(_ name: String) -> JSONValue?
    /// The field's text; nil when it is missing or not text.
    func text(_ name: String) -> String?
    /// The field's integer; nil when it is missing or not an integer.
    func integer(_ name: String) -> Int64?
    /// The strings of a list field, in order; other elements are skipped.
    func texts(_ name: String) -> [String]
    /// The string members of an object field.
    func textsByName(_ name: String) -> [String: String]
}

extension FieldValues {
    public func text(_ name: String) -> String? { value(name)?.stringValue }
    public func integer(_ name: String) -> Int64? { value(name)?.intValue }
    public func texts(_ name: String) -> [String] { value(name)?.stringElements ?? [] }
    public func textsByName(_ name: String) -> [String: String] { value(name)?.stringMembers ?? [:] }
}

extension JSONValue {
    /// The string elements of an array, in order (others skipped); empty for anything else.
    package var stringElements: [String] {
        guard case .array(let items) = self else { return [] }
        return items.compactMap(\.stringValue)
    }

    /// The string members of an object (others skipped); empty for anything else.
    package var stringMembers: [String: String] {
        guard case .object(let members) = self else { return [:] }
        return members.compactMapValues(\.stringValue)
    }
}

/// Field values held in a dictionary, as sync and backups carry them.
struct FieldDictionary: FieldValues {
    let values: [String: JSONValue]
    func value(_ name: String) -> JSONValue? { values[name] }
}
