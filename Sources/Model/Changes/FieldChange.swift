/// The unit of sync: one field of one record set to one value at one clock.
///
/// ```swift
/// FieldChange(entity: .paper, id: paperID, field: "status", value: .string("read"), hlc: stamp)
/// ```
public struct FieldChange: Hashable, Sendable {
    public var entity: Entity
    /// The record id (a lower-case UUID).
    public var id: String
    public var field: String
    public var value: JSONValue
    public var hlc: HLC

    public init(entity: Entity, id: String, field: String, value: JSONValue, hlc: HLC) {
        self.entity = entity; self.id = id; self.field = field; self.value = value; self.hlc = hlc
    }
}

/// A stamped value: a field's current value and the clock of the write that set it.
public struct Stamped: Hashable, Sendable {
    public var value: JSONValue
    public var hlc: HLC

    public init(_ value: JSONValue, at hlc: HLC) { self.value = value; self.hlc = hlc }

    /// Last writer wins: whether `other` should replace this value.
    public func isSuperseded(by other: Stamped) -> Bool { other.hlc > hlc }
}

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
