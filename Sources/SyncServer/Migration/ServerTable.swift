/// One of the server database's tables, as both stores define it: the rows that
/// `reader-server migrate` copies one to one.
///
/// ``SQLiteSyncStore`` and ``PostgresSyncStore`` keep the same tables with the same
/// columns (see `PostgresMigrations`), so a copy is a column-for-column transfer;
/// this list is the one place that says which tables and columns there are.
package struct ServerTable: Hashable, Sendable, CustomStringConvertible {
    /// The kind of value a column holds.
    package enum Kind: Hashable, Sendable { case integer, text, blob }

    /// A column: its name, its kind, and whether it may be NULL.
    package struct Column: Hashable, Sendable {
        package var name: String
        package var kind: Kind
        package var optional: Bool
    }

    /// The table's name.
    package var name: String
    /// Its columns, in the order rows carry their values.
    package var columns: [Column]
    /// The columns of its primary key (rows are read in this order).
    package var key: [String]
    /// Whether the table's first column is an id that PostgreSQL hands out (an
    /// identity column, whose next value must pass the copied ids).
    package var hasIdentity: Bool

    init(_ name: String, _ columns: [(String, Kind, optional: Bool)], key: [String], hasIdentity: Bool = false) {
        self.name = name
        self.columns = columns.map { Column(name: $0.0, kind: $0.1, optional: $0.optional) }
        self.key = key
        self.hasIdentity = hasIdentity
    }

    package var description: String { name }

    /// The column names, comma-separated, for a statement.
    var columnList: String { columns.map(\.name).joined(separator: ", ") }

    package static let meta = ServerTable("meta", [("key", .text, optional: false), ("value", .text, optional: false)], key: ["key"])
    package static let library = ServerTable("library", [
        ("id", .integer, optional: false), ("name", .text, optional: false), ("seq", .integer, optional: false),
        ("created_at", .integer, optional: false),
    ], key: ["id"], hasIdentity: true)
    package static let token = ServerTable("token", [
        ("id", .integer, optional: false), ("library_id", .integer, optional: false), ("device", .text, optional: false),
        ("hash", .blob, optional: false), ("created_at", .integer, optional: false), ("revoked_at", .integer, optional: true),
    ], key: ["id"], hasIdentity: true)
    package static let node = ServerTable("node", [
        ("library_id", .integer, optional: false), ("node_id", .text, optional: false), ("last_nseq", .integer, optional: false),
    ], key: ["library_id", "node_id"])
    package static let fieldState = ServerTable("field_state", [
        ("library_id", .integer, optional: false), ("entity", .text, optional: false), ("record_id", .text, optional: false),
        ("field", .text, optional: false), ("value", .text, optional: false), ("hlc", .text, optional: false),
        ("seq", .integer, optional: false), ("rev", .integer, optional: true), ("node_id", .text, optional: true),
    ], key: ["library_id", "entity", "record_id", "field"])
    package static let textRevision = ServerTable("text_revision", [
        ("library_id", .integer, optional: false), ("entity", .text, optional: false), ("record_id", .text, optional: false),
        ("field", .text, optional: false), ("rev", .integer, optional: false), ("value", .text, optional: false),
        ("hlc", .text, optional: false), ("seq", .integer, optional: false), ("node_id", .text, optional: false),
    ], key: ["library_id", "entity", "record_id", "field", "rev"])
    package static let pushReceipt = ServerTable("push_receipt", [
        ("library_id", .integer, optional: false), ("idempotency_key", .text, optional: false), ("node_id", .text, optional: false),
        ("body_hash", .blob, optional: false), ("first_nseq", .integer, optional: false), ("last_nseq", .integer, optional: false),
        ("body", .text, optional: false),
    ], key: ["library_id", "idempotency_key"])

    /// Every table, parents before the tables that refer to them.
    package static let all: [ServerTable] = [meta, library, token, node, fieldState, textRevision, pushReceipt]
}

/// One value of a row of a ``ServerTable``.
package enum ServerValue: Hashable, Sendable {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null
}
