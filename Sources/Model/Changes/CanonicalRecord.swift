/// The canonical JSON text of one record: the line format of a backup and of a
/// canonical dump, shared by the library and the sync server so that both print
/// the same bytes for the same state.
///
/// ```
/// {"entity":"paper","fields":{"title":{"hlc":"1732660000123-0000-8f3a1b2c3d4e5f60","value":"…"}},"id":"…"}
/// ```
public enum CanonicalRecord {
    /// Appends one record's canonical JSON to `out`. The entity is a name rather
    /// than an ``Entity`` so that records of entities a newer client made are
    /// printed the same way.
    ///
    /// Written directly rather than through a ``JSONValue`` tree: the keys' order
    /// (`entity`, `fields`, `id`; `hlc`, `value`) is already the sorted one, and an
    /// export writes this for every record.
    public static func write(entity: String, id: String, fields: [String: Stamped], to out: inout String) {
        out += "{\"entity\":"
        JSONValue.writeString(entity, to: &out)
        out += ",\"fields\":{"
        for (index, name) in fields.keys.sorted().enumerated() {
            guard let stamped = fields[name] else { continue }
            if index > 0 { out += "," }
            JSONValue.writeString(name, to: &out)
            out += ":{\"hlc\":\""
            out += stamped.hlc.description
            out += "\",\"value\":"
            stamped.value.write(to: &out)
            out += "}"
        }
        out += "},\"id\":"
        JSONValue.writeString(id, to: &out)
        out += "}"
    }
}

/// The frame of a canonical dump (and of a backup): a first line, one record per
/// line, a last line. See ``CanonicalRecord``.
public enum CanonicalDump {
    /// The first line.
    public static let header = "{\"format\":\"reader-backup\",\"records\":["
    /// The last line.
    public static let footer = "],\"version\":1}"
    /// The last line of a backup that also holds text histories (version 2 adds
    /// `{"history":…}` lines after the records).
    public static let historyFooter = "],\"version\":2}"
    /// What follows the last record: a line break and the last line.
    public static let closing = "\n" + footer + "\n"

    /// The lines of one dump after its header, in order: each record's line with
    /// the separator before it, then the history lines of a backup, then the
    /// closing. The one place a dump's frame is decided; the client's backup and
    /// canonical dump, the server's dump and the tests all write through it.
    ///
    /// ```swift
    /// var lines = CanonicalDump.Lines()
    /// var text = CanonicalDump.header
    /// text += lines.record(entity: "tag", id: id, fields: fields)
    /// text += lines.closing()
    /// ```
    public struct Lines: Sendable {
        private var count = 0
        private var histories = 0

        /// Starts a dump (after its header).
        public init() {}

        /// One record's line, in (entity, id) order.
        public mutating func record(entity: String, id: String, fields: [String: Stamped]) -> String {
            defer { count += 1 }
            return line(entity: entity, id: id, fields: fields, first: count == 0)
        }

        /// One history entry's line, after every record.
        public mutating func history(_ entry: TextHistoryEntry) -> String {
            defer { count += 1; histories += 1 }
            return historyLine(entry, first: count == 0)
        }

        /// What follows the last line: version 1 with records only, version 2 with histories.
        public func closing() -> String {
            "\n" + (histories == 0 ? footer : historyFooter) + "\n"
        }
    }

    /// One text history entry's line, with the separator that comes before it:
    /// `{"history":{"entity":…,"field":…,"hlc":…,"id":…,"reason":…,"replaced_at":…,"text":…}}`.
    public static func historyLine(_ entry: TextHistoryEntry, first: Bool) -> String {
        let object: [String: JSONValue] = [
            "entity": .string(entry.entity), "id": .string(entry.id), "field": .string(entry.field),
            "text": entry.text.map(JSONValue.string) ?? .null, "hlc": entry.hlc.map { .string($0.description) } ?? .null,
            "replaced_at": .int(entry.replacedAtMillis), "reason": .string(entry.reason),
        ]
        return (first ? "\n" : ",\n") + JSONValue.object(["history": .object(object)]).canonicalJSON
    }

    /// One record's line, with the separator that comes before it (none before the first).
    public static func line(entity: String, id: String, fields: [String: Stamped], first: Bool) -> String {
        var line = first ? "\n" : ",\n"
        CanonicalRecord.write(entity: entity, id: id, fields: fields, to: &line)
        return line
    }
}
