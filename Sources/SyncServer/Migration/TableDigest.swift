import Crypto

/// What a table holds, in a few bytes: its row count and an order-independent
/// hash of its rows (the wrapping sum of each row's SHA-256), so that two stores
/// that return their rows in different orders can still be compared.
package struct TableDigest: Hashable, Sendable, CustomStringConvertible {
    /// How many rows were added.
    package private(set) var rows = 0
    private var sum: [UInt64] = [0, 0, 0, 0]

    package init() {}

    /// Adds one row.
    package mutating func add(_ row: [ServerValue]) {
        var hasher = SHA256()
        for value in row {
            switch value {
            case .integer(let number): hasher.update(data: [1] + Self.bytes(UInt64(bitPattern: number)))
            case .text(let text): hasher.update(data: [2] + Self.bytes(UInt64(text.utf8.count))); hasher.update(data: Array(text.utf8))
            case .blob(let bytes): hasher.update(data: [3] + Self.bytes(UInt64(bytes.count))); hasher.update(data: bytes)
            case .null: hasher.update(data: [0])
            }
        }
        let digest = Array(hasher.finalize())
        for lane in 0..<4 {
            var word: UInt64 = 0
            for byte in digest[(lane * 8)..<(lane * 8 + 8)] { word = word << 8 | UInt64(byte) }
            sum[lane] &+= word
        }
        rows += 1
    }

    private static func bytes(_ word: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } }

    package var description: String {
        "\(rows) rows, " + sum.map { String($0, radix: 16) }.joined(separator: ":")
    }
}

extension [ServerTable: TableDigest] {
    /// Every table with an empty digest: what a store without rows gives.
    package static var empty: Self { Dictionary(uniqueKeysWithValues: ServerTable.all.map { ($0, TableDigest()) }) }

    /// Adds rows of `table`.
    package mutating func add(_ rows: [[ServerValue]], of table: ServerTable) {
        for row in rows { self[table, default: TableDigest()].add(row) }
    }

    /// The digests of every row `read` gives, by table (a table without rows has an empty digest).
    package static func of(_ read: ((ServerTable, [[ServerValue]]) async throws -> Void) async throws -> Void) async throws -> Self {
        var digests = empty
        try await read { table, rows in digests.add(rows, of: table) }
        return digests
    }
}
