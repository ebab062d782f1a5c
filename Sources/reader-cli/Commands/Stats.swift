import ArgumentParser
import Foundation
import Interchange
import Model
import Storage

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Counts: papers by status, tags, notes, highlights.")
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let store = try library.open()
        let stats = try store.stats()
        let sync = try store.syncState()
        if output.json {
            Render.json(.object([
                "library": .string(store.path),
                "papers": .int(Int64(stats.papers)),
                "by_status": .object(Dictionary(uniqueKeysWithValues: ReadingStatus.allCases.map { ($0.rawValue, JSONValue.int(Int64(stats.byStatus[$0] ?? 0))) })),
                "trashed": .int(Int64(stats.trashed)), "tags": .int(Int64(stats.tags)),
                "notes": .int(Int64(stats.notes)), "highlights": .int(Int64(stats.highlights)),
                "with_code": .int(Int64(stats.withCode)),
                "pending_field_changes": .int(Int64(sync.pendingFields)), "pending_records": .int(Int64(sync.pendingRecords)),
                "pending_changes": .int(Int64(sync.pendingRecords)), "set_aside": .int(Int64(sync.held.count)),
                "file_bytes": .int(stats.fileBytes),
            ]))
            return
        }
        print("Library    \(store.path)")
        print("Papers     \(stats.papers)" + (stats.trashed > 0 ? " (+\(stats.trashed) in the trash)" : ""))
        for status in ReadingStatus.allCases {
            print("  \(status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))\(stats.byStatus[status] ?? 0)")
        }
        print("Tags       \(stats.tags)")
        print("Notes      \(stats.notes)")
        print("Highlights \(stats.highlights)")
        print("With code  \(stats.withCode)")
        print("Unsynced   \(Render.pending(fields: sync.pendingFields, records: sync.pendingRecords))" + (sync.held.isEmpty ? "" : ", \(sync.held.count) set aside"))
    }
}
