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
