/// A store whose tables can be read and filled row for row: what
/// `reader-server migrate` copies between a SQLite file and PostgreSQL.
///
/// Both stores hold the tables ``ServerTable/all`` lists with the same columns, so
/// a copy keeps every id (the files' folders are named by library id), every
/// `seq`, receipt, revision and token hash, and the epoch: clients go on syncing
/// from their cursors as if the server had not moved.
package protocol RowCopyingStore: SyncStore {
    /// Calls `body` with every row of every table, table by table (in the order of
    /// ``ServerTable/all``), in batches, all read from one snapshot.
    func readRows(_ body: (ServerTable, [[ServerValue]]) async throws -> Void) async throws

    /// Runs `body` in one write transaction, committed when it returns and rolled
    /// back when it throws.
    func withRowWriter<T: Sendable>(_ body: @escaping @Sendable (any RowWriter) async throws -> T) async throws -> T
}

/// Writes rows inside a ``RowCopyingStore``'s transaction, and reads them back
/// before it commits.
package protocol RowWriter: Sendable {
    /// Removes every row of `table`.
    func deleteAll(of table: ServerTable) async throws
    /// Inserts rows (values in the table's column order).
    func insert(_ rows: [[ServerValue]], into table: ServerTable) async throws
    /// Every row of every table as this transaction sees it, as ``RowCopyingStore/readRows(_:)``.
    func readRows(_ body: (ServerTable, [[ServerValue]]) async throws -> Void) async throws
    /// Brings what the store derives from its rows up to date after an insert (the
    /// next id PostgreSQL hands out).
    func finishInserts() async throws
}
