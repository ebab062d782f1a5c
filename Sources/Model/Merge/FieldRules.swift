/// The checks every synced value passes, written once and called by the local
/// write path, backup restore, the client before it sends, and the server when it
/// receives a push: what one side accepts, the other never refuses.
///
/// ```swift
/// if let problem = FieldRules.problem(entity: "paper", field: "title", value: .string("a\u{0}b"), hlc: stamp) {
///     print(problem)   // value: text may not contain NUL characters
/// }
/// ```
public enum FieldRules {
    /// No clock before 2000-01-01 is a real one: a machine whose clock says 1970
    /// (a board without a clock battery) must not stamp shared state with it.
    public static let earliestClockMillis: UInt64 = 946_684_800_000

    /// What is wrong with a change, and in which of its parts.
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// The part of the change: `field`, `value` or `hlc`.
        public var part: String
        /// What is wrong, in words for a terminal.
        public var reason: String

        /// The text form: `hlc: … is before 2000-01-01, not a real clock`.
        public var description: String { part + ": " + reason }
    }

    /// Whether a clock can stamp shared state.
    public static func clockProblem(_ hlc: HLC) -> Problem? {
        hlc.millis < earliestClockMillis ? Problem(part: "hlc", reason: "\(hlc) is before 2000-01-01, not a real clock") : nil
    }

    /// Whether a text can be stored and synced: NUL cannot (C strings, SQLite's text
    /// functions and PostgreSQL stop at it), so it is refused, never cut off.
    public static func textProblem(_ text: String) -> Problem? {
        // Over the contiguous bytes: every pushed, pulled and stored text is checked,
        // and the byte-by-byte walk of `String.UTF8View` showed in the sync profiles.
        let hasNUL = text.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? text.utf8.contains(0)
        return hasNUL ? Problem(part: "value", reason: "text may not contain NUL characters (U+0000)") : nil
    }

    /// Whether a value fits a known field (its kind, and its text), or a purge is
    /// a purge of a purgeable entity. Fields this version does not know are only
    /// checked for their text: they belong to a newer version.
    public static func valueProblem(entity name: String, field: String, value: JSONValue) -> Problem? {
        if field == Entity.purgedField {
            if let entity = Entity(rawValue: name), !entity.isPurgeable {
                return Problem(part: "field", reason: "a \(entity) cannot be purged")
            }
            return value == .bool(true) ? nil : Problem(part: "value", reason: "a purge is `true`; it cannot be undone")
        }
        if let entity = Entity(rawValue: name), let known = entity.field(named: field), !known.kind.accepts(value) {
            return Problem(part: "value", reason: "\(name).\(field) cannot hold \(value.canonicalJSON.prefix(40))")
        }
        if name == Entity.attachment.rawValue, field == "sha256", case .string(let text) = value, FileHash(text) == nil {
            return Problem(part: "value", reason: "attachment.sha256 must be 64 lowercase hex digits (a SHA-256), not \(JSONValue.string(text).canonicalJSON.prefix(40))")
        }
        if name == Entity.attachment.rawValue, field == "size", case .int(let size) = value, size < 0 {
            return Problem(part: "value", reason: "attachment.size cannot be negative (\(size))")
        }
        if case .string(let text) = value { return textProblem(text) }
        return nil
    }

    /// Every check of one change, the clock last.
    public static func problem(entity: String, field: String, value: JSONValue, hlc: HLC) -> Problem? {
        valueProblem(entity: entity, field: field, value: value) ?? clockProblem(hlc)
    }
}

extension FieldRules {
    /// What a merge does with an incoming field value, against the stored one.
    public enum Outcome: Hashable, Sendable {
        /// The incoming value replaces the stored one.
        case takeIncoming
        /// The stored value stays: it was written later.
        case keepStored
        /// The same write arrived again (same clock, same value).
        case sameWrite
        /// Another value with the same clock: a protocol violation, refused.
        case clockClash
    }

    /// Last writer wins, the rule of every plain field on the client and the server:
    /// the value with the later clock stays, whatever the order the writes arrive in.
    public static func lastWriterWins(stored: Stamped?, incoming: Stamped) -> Outcome {
        guard let stored else { return .takeIncoming }
        if incoming.hlc > stored.hlc { return .takeIncoming }
        if incoming.hlc < stored.hlc { return .keepStored }
        return incoming.value == stored.value ? .sameWrite : .clockClash
    }

    /// Purge absorbs: a purged record takes nothing but a later purge (whose clock
    /// then replaces the tombstone's, so that every replica keeps the same one).
    public static func purgeAbsorbs(purgedAt: HLC, field: String, hlc: HLC) -> Outcome {
        guard field == Entity.purgedField else { return .keepStored }
        return hlc > purgedAt ? .takeIncoming : hlc == purgedAt ? .sameWrite : .keepStored
    }
}
