/// One record with every field's value and clock: what a backup holds and what a
/// canonical dump prints.
public struct SyncRecord: Hashable, Sendable {
    /// The kind of record.
    public var entity: Entity
    /// The record's id.
    public var id: String
    /// Each field's value and clock.
    public var fields: [String: Stamped]

    /// Creates a value from its fields.
    public init(entity: Entity, id: String, fields: [String: Stamped]) {
        self.entity = entity; self.id = id; self.fields = fields
    }

    /// The record as field changes, in field-name order.
    public var changes: [FieldChange] {
        fields.keys.sorted().map { name in
            let stamped = fields[name]!
            return FieldChange(entity: entity, id: id, field: name, value: stamped.value, hlc: stamped.hlc)
        }
    }
}
