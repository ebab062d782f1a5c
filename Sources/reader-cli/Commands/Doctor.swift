import ArgumentParser
import Foundation
import Interchange
import Lookup
import Model
import Storage

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the library file, the search index, the clocks and the papers' files; --repair fixes what it can.",
        discussion: "Every stored file is read again and checked against its SHA-256; --repair removes damaged files (`reader fetch` gets them again), counts files a killed process stored, reads missing texts and rebuilds bad indexes."
    )
    @Flag(help: "Rebuild the search index if it disagrees with the data; remove damaged files.") var repair = false
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let report: DoctorReport
        let files: PaperFiles.Check
        do {
            let store = try library.open()
            report = try store.checkHealth(repair: repair)
            files = try PaperFiles(library: store).check(repair: repair)
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
                "tag_counts_ok": .bool(report.tagCountsOK), "tag_counts_repaired": .bool(report.tagCountsRepaired),
                "records_without_clocks": .int(Int64(report.recordsWithoutClocks)),
                "fields_with_bad_clocks": .int(Int64(report.fieldsWithBadClocks)), "bad_clocks_repaired": .bool(report.badClocksRepaired && report.fieldsWithBadClocks > 0),
                "changes_set_aside": .int(Int64(report.changesSetAside)), "healthy": .bool(report.isHealthy && files.isHealthy),
                "files_checked": .int(Int64(files.checked)), "files_damaged": .array(files.damaged.map { .string($0.hex) }),
                "files_missing": .array(files.missing.map { .string($0.hex) }), "files_unreferenced": .array(files.unreferenced.map { .string($0.hex) }),
                "files_uncounted": .array(files.uncounted.map { .string($0.hex) }), "files_stray": .int(Int64(files.strays)),
                "texts_unindexed": .array(files.unindexed.map { .string($0.hex) }), "page_index_ok": .bool(files.pageIndexOK),
                "files_repaired": .bool(files.repaired),
            ]))
        } else {
            print("Database file   " + (report.databaseOK ? "ok" : "PROBLEMS:\n  " + report.databaseProblems.joined(separator: "\n  ")))
            print("Search index    " + (report.searchIndexOK ? "ok" : report.searchIndexRepaired ? "was inconsistent; rebuilt" : "INCONSISTENT: run `reader doctor --repair`"))
            print("Tag counts      " + (report.tagCountsOK ? "ok" : report.tagCountsRepaired ? "were wrong; counted again" : "WRONG: run `reader doctor --repair`"))
            var clocks: [String] = []
            if report.recordsWithoutClocks > 0 { clocks.append("\(report.recordsWithoutClocks) records without clocks") }
            if report.fieldsWithBadClocks > 0 {
                clocks.append(report.badClocksRepaired ? "\(report.fieldsWithBadClocks) fields stamped before 2000 were stamped again and queued for sync"
                    : "\(report.fieldsWithBadClocks) fields stamped before 2000, which no server accepts: run `reader doctor --repair` (with the system clock set right)")
            }
            print("Clocks          " + (clocks.isEmpty ? "ok" : clocks.joined(separator: "; ")))
            print("Sync            " + (report.changesSetAside == 0 ? "ok" : "\(report.changesSetAside) changes set aside, not synced: `reader sync status` lists them"))
            print("Files           " + Self.describe(files))
        }
        if !report.isHealthy || !files.isHealthy { throw ExitCode(2) }
    }

    static func describe(_ files: PaperFiles.Check) -> String {
        var findings: [String] = []
        func count(_ number: Int, _ what: String) -> String { "\(number) \(what)" }
        if !files.damaged.isEmpty {
            findings.append(files.repaired ? "\(files.damaged.count) damaged (their bytes no longer have their hash) removed: `reader fetch` gets them again"
                : "\(files.damaged.count) DAMAGED (their bytes no longer have their hash): `reader doctor --repair` removes them")
        }
        if !files.missing.isEmpty { findings.append("\(files.missing.count) counted here but gone" + (files.repaired ? ", forgotten" : "")) }
        if !files.uncounted.isEmpty { findings.append("\(files.uncounted.count) stored but not counted" + (files.repaired ? ", counted" : "")) }
        if files.strays > 0 { findings.append("\(files.strays) stray or abandoned temporary" + (files.repaired ? ", removed" : "")) }
        if !files.unindexed.isEmpty { findings.append("\(files.unindexed.count) PDF texts not indexed" + (files.repaired ? ", read" : "")) }
        if !files.pageIndexOK { findings.append(files.repaired ? "page index rebuilt" : "page index INCONSISTENT") }
        if !files.unreferenced.isEmpty { findings.append("\(files.unreferenced.count) no paper names (`reader purge --files` removes them)") }
        let checked = "\(files.checked) checked"
        if findings.isEmpty { return "ok (\(checked))" }
        return checked + "; " + findings.joined(separator: "; ") + (files.repaired || files.isHealthy ? "" : ": run `reader doctor --repair`")
    }
}
