import Foundation
import GRDB

extension SQLiteSyncStore: RowCopyingStore {
    /// Rows per batch.
    static let rowBatchSize = 2_000

    package func readRows(_ body: (ServerTable, [[ServerValue]]) async throws -> Void) async throws {
        // One snapshot: a read transaction held open on a connection of its own.
        let snapshot = try pool.makeSnapshot()
        try await Self.readRows({ sql, arguments in try snapshot.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) } }, body)
    }

    /// Reads every table in key order, a batch at a time, each batch after the last
    /// one's key (so that no batch reads the rows before it again).
    static func readRows(_ fetch: (String, StatementArguments) async throws -> [Row],
                         _ body: (ServerTable, [[ServerValue]]) async throws -> Void) async throws {
        for table in ServerTable.all {
            let keyList = table.key.joined(separator: ", ")
            let keyIndexes = table.key.compactMap { name in table.columns.firstIndex { $0.name == name } }
            var last: [ServerValue]?
            while true {
                let after = last.map { _ in "WHERE (\(keyList)) > (\(table.key.map { _ in "?" }.joined(separator: ", ")))" } ?? ""
                let arguments = StatementArguments(last.map { row in keyIndexes.map { databaseValue(row[$0]) } } ?? [])
                let rows = try await fetch("SELECT \(table.columnList) FROM \(table.name) \(after) ORDER BY \(keyList) LIMIT \(rowBatchSize)", arguments)
                if rows.isEmpty { break }
                let values = try rows.map { row in try table.columns.indices.map { try serverValue(row[$0], table: table, column: $0) } }
                try await body(table, values)
                last = values.last
                if rows.count < rowBatchSize { break }
            }
        }
    }

    static func databaseValue(_ value: ServerValue) -> DatabaseValue {
        switch value {
        case .integer(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        case .null: .null
        }
    }

    static func serverValue(_ value: DatabaseValue, table: ServerTable, column: Int) throws -> ServerValue {
        switch value.storage {
        case .null: return .null
        case .int64(let number): return .integer(number)
        case .string(let text): return .text(text)
        case .blob(let data): return .blob(Array(data))
        case .double:
            throw StoreError("the server database holds a number where \(table.name).\(table.columns[column].name) holds none")
        }
    }

    package func withRowWriter<T: Sendable>(_ body: @escaping @Sendable (any RowWriter) async throws -> T) async throws -> T {
        let pool = self.pool
        let result: T = try await writes.run { [pool] in
            try pool.writeNow { db in try db.execute(sql: "BEGIN IMMEDIATE") }
            do {
                let result = try await body(SQLiteRowWriter(pool: pool))
                try pool.writeNow { db in try db.execute(sql: "COMMIT") }
                return result
            } catch {
                try? pool.writeNow { db in if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") } }
                throw error
            }
        }
        // The epoch lives in the database and beside it: a copied epoch is written
        // out, or the next start would take the database for a restored one.
        let epoch = try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'epoch'") }
        if let epoch, epoch != currentEpoch {
            try epoch.write(toFile: path + ".epoch", atomically: true, encoding: .utf8)
        }
        return result
    }
}

/// Writes rows on the SQLite store's writer connection, inside the transaction
/// ``SQLiteSyncStore/withRowWriter(_:)`` opened.
struct SQLiteRowWriter: RowWriter {
    let pool: DatabasePool

    func deleteAll(of table: ServerTable) async throws {
        try pool.writeNow { db in try db.execute(sql: "DELETE FROM \(table.name)") }
    }

    func insert(_ rows: [[ServerValue]], into table: ServerTable) async throws {
        try pool.writeNow { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO \(table.name) (\(table.columnList)) VALUES (\(table.columns.map { _ in "?" }.joined(separator: ", ")))
                """)
            for row in rows {
                try statement.execute(arguments: StatementArguments(row.map(SQLiteSyncStore.databaseValue)))
            }
        }
    }

    func readRows(_ body: (ServerTable, [[ServerValue]]) async throws -> Void) async throws {
        try await SQLiteSyncStore.readRows({ sql, arguments in try pool.writeNow { db in try Row.fetchAll(db, sql: sql, arguments: arguments) } }, body)
    }

    func finishInserts() async throws {}
}
