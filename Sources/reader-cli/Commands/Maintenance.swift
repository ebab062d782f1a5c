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

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the library file, the search index and the clocks; --repair rebuilds a bad index."
    )
    @Flag(help: "Rebuild the search index if it disagrees with the data.") var repair = false
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let report: DoctorReport
        do {
            report = try library.open().checkHealth(repair: repair)
        } catch StorageError.database(let path, let problem) where problem == .damaged || problem == .notADatabase {
            // A file SQLite cannot read is the finding, not a failure of the doctor.
            let advice = StorageError.database(path: path, problem: problem).description
            if output.json {
                Render.json(.object(["database_ok": .bool(false), "database_problems": .array([.string(advice)]), "healthy": .bool(false)]))
            } else {
                print("Database file   DAMAGED: " + advice)
            }
            throw ExitCode(2)
        }
        if output.json {
            Render.json(.object([
                "database_ok": .bool(report.databaseOK), "database_problems": .array(report.databaseProblems.map(JSONValue.string)),
                "search_index_ok": .bool(report.searchIndexOK), "search_index_repaired": .bool(report.searchIndexRepaired),
                "records_without_clocks": .int(Int64(report.recordsWithoutClocks)),
                "fields_with_bad_clocks": .int(Int64(report.fieldsWithBadClocks)), "bad_clocks_repaired": .bool(report.badClocksRepaired && report.fieldsWithBadClocks > 0),
                "changes_set_aside": .int(Int64(report.changesSetAside)), "healthy": .bool(report.isHealthy),
            ]))
        } else {
            print("Database file   " + (report.databaseOK ? "ok" : "PROBLEMS:\n  " + report.databaseProblems.joined(separator: "\n  ")))
            print("Search index    " + (report.searchIndexOK ? "ok" : report.searchIndexRepaired ? "was inconsistent; rebuilt" : "INCONSISTENT: run `reader doctor --repair`"))
            var clocks: [String] = []
            if report.recordsWithoutClocks > 0 { clocks.append("\(report.recordsWithoutClocks) records without clocks") }
            if report.fieldsWithBadClocks > 0 {
                clocks.append(report.badClocksRepaired ? "\(report.fieldsWithBadClocks) fields stamped before 2000 were stamped again and queued for sync"
                    : "\(report.fieldsWithBadClocks) fields stamped before 2000, which no server accepts: run `reader doctor --repair` (with the system clock set right)")
            }
            print("Clocks          " + (clocks.isEmpty ? "ok" : clocks.joined(separator: "; ")))
            print("Sync            " + (report.changesSetAside == 0 ? "ok" : "\(report.changesSetAside) changes set aside, not synced: `reader sync status` lists them"))
        }
        if !report.isHealthy { throw ExitCode(2) }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the library to a new SQLite file (safe while reader is in use).",
        discussion: "reader backup ~/backups/reader-2026-11-27.sqlite\nOpen the copy with --library PATH; it gets its own sync identity."
    )
    @Argument(help: "The new file.") var path: String
    @OptionGroup var library: LibraryOptions

    func run() throws {
        let target = LibraryOptions.expand(path)
        let folder = (target as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) {
            throw CLIError("cannot write the backup \(target): the folder \(folder) does not exist; create it first (mkdir -p \(StorageError.shellWord(folder)))")
        }
        try library.open().backup(to: target)
        print("Backed up to \(target)")
    }
}
