/// One record with every field's value and clock: what a backup holds and what a
/// canonical dump prints.
public struct SyncRecord: Hashable, Sendable {
    public var entity: Entity
    public var id: String
    public var fields: [String: Stamped]

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
