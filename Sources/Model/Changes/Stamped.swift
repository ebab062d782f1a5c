/// A stamped value: a field's current value and the clock of the write that set it.
public struct Stamped: Hashable, Sendable {
    /// The field's value.
    public var value: JSONValue
    /// The clock of the write that set it.
    public var hlc: HLC

    /// Creates a value from its fields.
    public init(_ value: JSONValue, at hlc: HLC) { self.value = value; self.hlc = hlc }

    /// Last writer wins: whether `other` should replace this value.
    public func isSuperseded(by other: Stamped) -> Bool { other.hlc > hlc }
}
