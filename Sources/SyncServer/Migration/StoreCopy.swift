import Synchronization

/// Copies a whole server database into another store: `reader-server migrate`.
///
/// Every table is copied row for row in one transaction of the destination, which
/// is read back and compared with what was read from the source (row counts and
/// hashes, table by table) before it commits: a copy is whole and verified, or
/// nothing is written. The destination must be new (no library, no token) or hold
/// exactly what the source holds already, in which case nothing is written: running
/// a migration twice changes nothing.
///
/// ```swift
/// let report = try await StoreCopy.copy(from: sqlite, to: postgres)
/// print(report)   // copied 2 libraries, 3 tokens, ... (verified)
/// ```
package enum StoreCopy {
    /// What a copy did.
    package struct Report: Sendable, CustomStringConvertible {
        /// The rows of each table the destination now holds (those of the source).
        package var rows: [ServerTable: Int]
        /// Whether the destination held all of it already (nothing was written).
        package var alreadyCopied: Bool

        package var description: String {
            func count(_ table: ServerTable, _ one: String, _ many: String) -> String {
                let number = rows[table] ?? 0
                return "\(number) \(number == 1 ? one : many)"
            }
            let what = [count(.library, "library", "libraries"), count(.token, "token", "tokens"),
                        count(.fieldState, "field value", "field values"), count(.textRevision, "text revision", "text revisions"),
                        count(.pushReceipt, "receipt", "receipts"), count(.node, "device cursor", "device cursors")]
                .joined(separator: ", ")
            return alreadyCopied ? "the destination already holds the same \(what): nothing to copy" : "copied \(what); every table verified"
        }
    }

    /// Copies `source` into `destination` (see ``StoreCopy``).
    package static func copy(from source: any RowCopyingStore, to destination: any RowCopyingStore) async throws -> Report {
        let held = try await [ServerTable: TableDigest].of(destination.readRows)
        if (held[.library]?.rows ?? 0) > 0 || (held[.token]?.rows ?? 0) > 0 {
            let wanted = try await [ServerTable: TableDigest].of(source.readRows)
            guard wanted == held else {
                let libraries = try await destination.libraries().map(\.name)
                throw StoreError("""
                    the destination already holds \(held[.library]?.rows ?? 0) librar\(held[.library]?.rows == 1 ? "y" : "ies") \
                    (\(libraries.prefix(5).joined(separator: ", "))\(libraries.count > 5 ? ", …" : "")) and \
                    \(held[.token]?.rows ?? 0) token(s), not the same as the source's: migrate into a new, empty database
                    """)
            }
            return Report(rows: wanted.mapValues(\.rows), alreadyCopied: true)
        }
        let copied = try await destination.withRowWriter { writer in
            // A new database holds its own epoch, and nothing else: the source's replaces it.
            try await writer.deleteAll(of: .meta)
            let read = Mutex([ServerTable: TableDigest]())
            try await source.readRows { table, rows in
                try await writer.insert(rows, into: table)
                read.withLock { digests in for row in rows { digests[table, default: TableDigest()].add(row) } }
            }
            try await writer.finishInserts()
            let sent = read.withLock { digests in
                digests.merging(ServerTable.all.map { ($0, TableDigest()) }) { kept, _ in kept }
            }
            let written = try await [ServerTable: TableDigest].of(writer.readRows)
            for table in ServerTable.all where sent[table] != written[table] {
                throw StoreError("""
                    the copy of table \(table.name) does not read back as it was read (\(sent[table]?.rows ?? 0) rows sent, \
                    \(written[table]?.rows ?? 0) read back): nothing was written
                    """)
            }
            return written.mapValues(\.rows)
        }
        return Report(rows: copied, alreadyCopied: false)
    }
}
