import Foundation
import Logging
import PostgresNIO

extension PostgresSyncStore: RowCopyingStore {
    /// Rows per batch (and per `INSERT`: 2,000 rows of 9 columns stay far under
    /// PostgreSQL's 65,535 parameters per statement).
    static let rowBatchSize = 2_000

    package func readRows(_ body: (ServerTable, [[ServerValue]]) async throws -> Void) async throws {
        try await inTransaction("ISOLATION LEVEL REPEATABLE READ READ ONLY", doing: "read the server database") { connection in
            try await Self.readRows(on: connection, logger: logger, body)
        }
    }

    /// Streams every table (PostgreSQL sends rows as they are read; the stream waits
    /// while `body` does).
    static func readRows(on connection: PostgresConnection, logger: Logger,
                         _ body: (ServerTable, [[ServerValue]]) async throws -> Void) async throws {
        for table in ServerTable.all {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(table.columnList) FROM \(table.name)"), logger: logger)
            var batch: [[ServerValue]] = []
            batch.reserveCapacity(rowBatchSize)
            for try await row in rows {
                batch.append(try zip(table.columns, row).map { column, cell in try serverValue(cell, column) })
                if batch.count == rowBatchSize {
                    try await body(table, batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try await body(table, batch) }
        }
    }

    static func serverValue(_ cell: PostgresCell, _ column: ServerTable.Column) throws -> ServerValue {
        switch column.kind {
        case .integer: try cell.decode(Int64?.self).map(ServerValue.integer) ?? .null
        case .text: try cell.decode(String?.self).map(ServerValue.text) ?? .null
        case .blob: try cell.decode(Data?.self).map { .blob(Array($0)) } ?? .null
        }
    }

    package func withRowWriter<T: Sendable>(_ body: @escaping @Sendable (any RowWriter) async throws -> T) async throws -> T {
        try await inTransaction(doing: "write the server database") { connection in
            try await body(PostgresRowWriter(connection: connection, logger: logger))
        }
    }
}

/// Writes rows on one connection, inside the transaction
/// ``PostgresSyncStore/withRowWriter(_:)`` opened.
struct PostgresRowWriter: RowWriter {
    let connection: PostgresConnection
    let logger: Logger

    func deleteAll(of table: ServerTable) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table.name)"), logger: logger)
    }

    func insert(_ rows: [[ServerValue]], into table: ServerTable) async throws {
        guard !rows.isEmpty else { return }
        var bindings = PostgresBindings(capacity: rows.count * table.columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for row in rows {
            let first = bindings.count
            tuples.append("(" + row.indices.map { "$\(first + $0 + 1)" }.joined(separator: ", ") + ")")
            for value in row {
                switch value {
                case .integer(let number): bindings.append(number)
                case .text(let text): bindings.append(text)
                case .blob(let bytes): try bindings.append(Data(bytes))
                case .null: bindings.appendNull()
                }
            }
        }
        try await connection.query(PostgresQuery(
            unsafeSQL: "INSERT INTO \(table.name) (\(table.columnList)) VALUES \(tuples.joined(separator: ", "))",
            binds: bindings), logger: logger)
    }

    func readRows(_ body: (ServerTable, [[ServerValue]]) async throws -> Void) async throws {
        try await PostgresSyncStore.readRows(on: connection, logger: logger, body)
    }

    func finishInserts() async throws {
        // Ids were copied, not handed out: the identity columns go on after the largest.
        for table in ServerTable.all where table.hasIdentity {
            try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT setval(pg_get_serial_sequence('\(table.name)', 'id'), coalesce(max(id), 0) + 1, false) FROM \(table.name)
                """), logger: logger)
        }
    }
}
