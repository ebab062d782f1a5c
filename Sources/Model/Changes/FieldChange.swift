/// The unit of sync: one field of one record set to one value at one clock.
///
/// ```swift
/// FieldChange(entity: .paper, id: paperID, field: "status", value: .string("read"), hlc: stamp)
/// ```
public struct FieldChange: Hashable, Sendable {
    /// The kind of record.
    public var entity: Entity
    /// The record id (a lower-case UUID).
    public var id: String
    /// The field's name.
    public var field: String
    /// The field's new value.
    public var value: JSONValue
    /// The clock of the write that set it.
    public var hlc: HLC

    /// Creates a value from its fields.
    public init(entity: Entity, id: String, field: String, value: JSONValue, hlc: HLC) {
        self.entity = entity; self.id = id; self.field = field; self.value = value; self.hlc = hlc
    }
}
