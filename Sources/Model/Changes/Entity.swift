/// The kinds of synced records and the fields each one has.
///
/// This table is the contract between the store, the backup format and sync:
/// a field's name is its column name and its name on the wire, and its
/// ``FieldKind`` says how its ``JSONValue`` is stored.
public enum Entity: String, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    case paper, note, highlight, tag
    case paperTag = "paper_tag"
    case attachment

    /// The fields of this entity, in a fixed order.
    ///
    /// Stored once per kind: every change read, checked and merged asks for them.
    public var fields: [Field] {
        switch self {
        case .paper: Self.paperFields
        case .note: Self.noteFields
        case .highlight: Self.highlightFields
        case .tag: Self.tagFields
        case .paperTag: Self.paperTagFields
        case .attachment: Self.attachmentFields
        }
    }

    private static let paperFields: [Field] =
        [.init("title", .text), .init("authors", .json), .init("abstract", .text),
         .init("published", .text), .init("year", .integer), .init("arxiv_id", .text),
         .init("arxiv_version", .integer), .init("doi", .text), .init("url", .text),
         .init("pdf_url", .text), .init("code_url", .text), .init("venue", .text),
         .init("source", .text), .init("added_at", .integer), .init("status", .text),
         .init("rating", .integer), .init("read_at", .integer), .init("trashed", .boolean),
         .init("cite_key", .text), .init("categories", .json), .init("comment", .text),
         .init("pages", .text), .init("cite_aliases", .json),
         .init("author_names", .json), .init("latex", .json),
         .init("work_type", .text), .init("bib_fields", .json)]

    private static let noteFields: [Field] =
        [.init("paper_id", .text), .init("body", .text), .init("created_at", .integer),
         .init("updated_at", .integer), .init("trashed", .boolean), .init("conflict_of", .text),
         .init("title", .text)]

    private static let highlightFields: [Field] =
        [.init("paper_id", .text), .init("text", .text), .init("page", .integer),
         .init("location", .text), .init("comment", .text), .init("created_at", .integer),
         .init("updated_at", .integer), .init("trashed", .boolean)]

    private static let tagFields: [Field] =
        [.init("name", .text)]

    private static let paperTagFields: [Field] =
        [.init("paper_id", .text), .init("tag_id", .text), .init("present", .boolean)]

    private static let attachmentFields: [Field] =
        [.init("paper_id", .text), .init("sha256", .text), .init("size", .integer), .init("kind", .text),
         .init("name", .text), .init("source_url", .text), .init("added_at", .integer), .init("trashed", .boolean)]

    /// The field named `name`, if this entity has it.
    public func field(named name: String) -> Field? {
        fields.first { $0.name == name }
    }

    /// The name of the absorbing delete: a record with `purged = true` has lost
    /// every other field for good, and every later change to it is ignored.
    ///
    /// It is not one of ``fields``: a purged record keeps no row of its own, only
    /// a tombstone with the clock of its purge.
    public static let purgedField = "purged"

    /// Whether records of this entity can be purged (papers, notes, highlights, attachments).
    public var isPurgeable: Bool {
        switch self {
        case .paper, .note, .highlight, .attachment: true
        case .tag, .paperTag: false
        }
    }

    /// Whether `name` is a text field merged by revision instead of last writer
    /// wins: note bodies and highlight comments, whose every typed line must
    /// survive concurrent edits (see `docs/sync-protocol.md`).
    public func isMergedText(_ name: String) -> Bool {
        switch (self, name) {
        case (.note, "body"), (.highlight, "comment"): true
        default: false
        }
    }

    /// The text form.
    public var description: String { rawValue }
    /// Order by name, as a canonical dump sorts records.
    public static func < (lhs: Entity, rhs: Entity) -> Bool { lhs.rawValue < rhs.rawValue }

    /// One synced field: its name and the kind of value it holds.
    public struct Field: Hashable, Sendable {
        /// The field's name.
        public let name: String
        /// How its value is typed and stored.
        public let kind: FieldKind
        init(_ name: String, _ kind: FieldKind) { self.name = name; self.kind = kind }
    }

    /// How a field's value is typed and stored.
    public enum FieldKind: Hashable, Sendable {
        case text, integer, boolean, json

        /// Whether `value` is acceptable for this kind (null always is).
        public func accepts(_ value: JSONValue) -> Bool {
            switch (self, value) {
            case (_, .null), (.text, .string), (.integer, .int), (.boolean, .bool),
                 (.json, .array), (.json, .object): true
            default: false
            }
        }
    }
}
