/// A stamped value: a field's current value and the clock of the write that set it.
public struct Stamped: Hashable, Sendable {
    public var value: JSONValue
    public var hlc: HLC

    public init(_ value: JSONValue, at hlc: HLC) { self.value = value; self.hlc = hlc }

    /// Last writer wins: whether `other` should replace this value.
    public func isSuperseded(by other: Stamped) -> Bool { other.hlc > hlc }
}
