import Model

/// Random values for the property tests that write any field of any entity: one of
/// the field's kind that the field's own rules accept (an attachment's `sha256` is a
/// SHA-256, its `size` not negative), or null.
public enum RandomFieldValue {
    /// A value for `field` of `entity`.
    public static func value(_ entity: Entity, _ field: Entity.Field, _ random: inout SplitMix64) -> JSONValue {
        if random.next() % 8 == 0 { return .null }
        switch (entity, field.name) {
        case (.attachment, "sha256"): return .string(String(repeating: ["ab", "cd", "0f"][Int(random.next() % 3)], count: 32))
        case (.attachment, "size"): return .int(Int64(random.next() % 2000))
        default: break
        }
        switch field.kind {
        case .text: return .string(["alpha", "beta gamma", "Ünïcode 🙂", "line\nbreak", ""][Int(random.next() % 5)])
        case .integer: return .int(Int64(random.next() % 2000) - 1000)
        case .boolean: return .bool(random.next() % 2 == 0)
        case .json: return .array((0..<Int(random.next() % 3)).map { .string("author \($0)") })
        }
    }
}
