import ArgumentParser
import Foundation
import Interchange
import Model
import Storage

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
