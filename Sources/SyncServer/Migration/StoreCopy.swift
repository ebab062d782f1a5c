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
            let read = Mutex([ServerTable: TableDigest].empty)
            let heads = Mutex([ServerLibrary: Int64]())
            try await source.readRows { table, rows in
                try await writer.insert(rows, into: table)
                read.withLock { $0.add(rows, of: table) }
                if table == .library { heads.withLock { heads in for row in rows { Self.libraryHead(row).map { heads[$0.0] = $0.1 } } } }
            }
            try await Self.expectUnchanged(source, since: heads.withLock { $0 })
            try await writer.finishInserts()
            let sent = read.withLock { $0 }
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

    /// A library row's library and `seq` (columns id, name, seq, ...).
    static func libraryHead(_ row: [ServerValue]) -> (ServerLibrary, Int64)? {
        guard row.count >= 3, case .integer(let key) = row[0], case .text(let name) = row[1], case .integer(let seq) = row[2] else { return nil }
        return (ServerLibrary(key: key, name: name), seq)
    }

    /// Throws when the source took a push or a new library after the rows were read:
    /// a server was still running on it, and what it took would be missing from the copy.
    static func expectUnchanged(_ source: any RowCopyingStore, since heads: [ServerLibrary: Int64]) async throws {
        let libraries = try await source.libraries()
        for library in libraries {
            let now = try await source.session(library: library, node: nil).headSeq
            guard let copied = heads[library] else {
                throw StoreError("the library '\(library.name)' was created in the source during the copy: stop every server on it and run migrate again (nothing was written)")
            }
            guard now == copied else {
                throw StoreError("""
                    the source took pushes during the copy (library '\(library.name)': seq \(copied) when read, \(now) now): \
                    stop every server on it and run migrate again (nothing was written)
                    """)
            }
        }
    }
}
