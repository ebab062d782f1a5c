import ArgumentParser
import Foundation
import Interchange
import Model
import Lookup
import Storage

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import papers from a file: a pasted papers listing, BibTeX/BibLaTeX, CSL-JSON, RIS, a Web of Science export, Hugging Face daily papers JSON, an arXiv API Atom feed or a reader JSON backup.",
        discussion: """
            The whole file is imported in one transaction: if any record is bad, nothing is \
            stored and the error names its line. Papers already in the library (same arXiv id \
            or DOI, or same title, first author and year) are completed, never duplicated; \
            a paper with the same title but another first author, year or key in the same \
            file is kept apart and listed (`reader duplicates` shows them all).
              reader import Examples/trending-papers.txt
              reader import refs.bib
              reader import backup.json
              reader import --hf-daily 2024-05-31
            """
    )

    @Argument(help: "The file to import, or - for standard input.")
    var file: String?

    @Option(name: .customLong("hf-daily"), help: ArgumentHelp("Fetch and import the Hugging Face daily papers of a day.", valueName: "YYYY-MM-DD"))
    var hfDaily: String?

    @Option(help: ArgumentHelp("auto (judge by content), \(ImportFormat.all.map(\.name).joined(separator: ", ")).", valueName: "format"))
    var format: String = "auto"

    @Flag(help: "Report what the import would add and merge, and store nothing.")
    var dryRun = false

    @Flag(help: "Import the valid records and list the invalid ones, instead of refusing the whole file.")
    var skipInvalid = false

    @Flag(help: "Refuse the whole file on any problem, also those bibtex only warns about (an entry without a title, an undefined @string), which are otherwise kept and listed.")
    var strict = false

    @Option(help: ArgumentHelp("Read the file in this encoding instead of UTF-8 (latin1, windows-1252, ...: any name `iconv -l` lists).", valueName: "name"))
    var encoding: String?

    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        switch (file, hfDaily) {
        case (nil, nil): throw ValidationError("give a file to import, - for standard input, or --hf-daily YYYY-MM-DD")
        case (.some, .some): throw ValidationError("give a file or --hf-daily, not both")
        case (.some, nil) where strict && skipInvalid:
            throw ValidationError("--strict refuses the file on any problem and --skip-invalid imports the rest: choose one")
        case (nil, let date?):
            let parts = date.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
                  (2000...2999).contains(year), (1...12).contains(month), (1...31).contains(day) else {
                throw ValidationError("--hf-daily '\(date)' is not a date such as 2024-05-31")
            }
        default: break
        }
    }

    func run() async throws {
        var data: Data
        let name: String
        if let hfDaily {
            let store = try library.open()
            let client = MetadataClient(services: try MetadataServices.fromEnvironment(version: Reader.version), library: store)
            do {
                data = try await client.dailyPapers(on: hfDaily)
            } catch {
                throw CLIError("\(error); nothing was imported")
            }
            name = "huggingface-daily-papers-\(hfDaily).json"
        } else {
            let file = file ?? "-"
            data = try Self.readData(file)
            name = file == "-" ? "<stdin>" : file
        }
        if let encoding {
            do { data = try TextEncoding.utf8(from: data, encoding: encoding, file: name) } catch { throw CLIError("\(error); nothing was imported") }
        }
        data = data.withoutByteOrderMark
        guard !data.isEmpty else { throw CLIError("\(name) is empty: there is nothing to import") }
        // Judge the format by the first bytes; a backup is then read as bytes.
        guard let head = Self.utf8Head(data) else { throw CLIError(Self.notUTF8(data, name: name)) }
        let chosen: ImportFormat
        if hfDaily != nil {
            chosen = .hfDaily
        } else if format == "auto" {
            guard let detected = ImportFormat.detect(head) else {
                throw CLIError("\(name): cannot tell the format; reader reads a papers listing (title line, blank line, abstract), BibTeX, CSL-JSON, RIS, a Web of Science export (savedrecs.txt), Hugging Face daily papers JSON, an arXiv API Atom feed or a reader JSON backup. Use --format to choose")
            }
            chosen = detected
        } else {
            guard let named = ImportFormat.named(format) else {
                throw CLIError("unknown format '\(format)'; use auto, \(ImportFormat.all.map(\.name).joined(separator: ", "))")
            }
            chosen = named
        }
        let store = try library.open()
        if chosen.isBackup {
            try restore(data, name: name, into: store)
            return
        }
        var skipped: [ImportError] = []
        var warnings: [ImportError] = []
        var read = 0, refused = 0
        var imported = false
        defer {
            if imported, !warnings.isEmpty, !output.json {
                let shown = warnings.sorted { ($0.line ?? 0) < ($1.line ?? 0) }.prefix(20).map { "  \($0)" }
                let more = warnings.count > 20 ? ["  … and \(warnings.count - 20) more (--json lists them all)"] : []
                printError("\(warnings.count) warning\(warnings.count == 1 ? "" : "s") (kept as bibtex keeps them; --strict refuses such a file):\n" + (shown + more).joined(separator: "\n"))
            }
            if imported, !skipped.isEmpty, !output.json {
                printError("Skipped \(skipped.count) invalid record\(skipped.count == 1 ? "" : "s"):\n" + skipped.map { "  \($0)" }.joined(separator: "\n"))
            }
        }
        let problems = ImportProblems(skipping: skipInvalid ? { skipped.append($0) } : nil,
                                      warning: strict ? nil : { warnings.append($0) })
        // The papers are stored as they are read, in one transaction: a bad record
        // further on rolls back everything before it.
        let report: ImportReport
        do {
            report = try store.importPapers(dryRun: dryRun) { add in
                // The file's bytes go to the reader alone, which frees them once they are
                // text. (`consume data` of the captured variable itself compiles with
                // Swift 6.3 to a double free.)
                let bytes = data
                data = Data()
                try chosen.forEachDraft(in: consume bytes, file: name, problems: problems) { draft in
                    read += 1
                    // Every value is checked by the rules sync applies before it is stored:
                    // a NUL in a title is refused, never cut off.
                    if let (field, problem) = draft.ruleProblem {
                        let shown = draft.title.replacingOccurrences(of: "\u{0}", with: "\u{2400}")
                        let error = ImportError(file: name, line: draft.line, reason: "paper '\(shown)': \(field): \(problem.reason)")
                        guard skipInvalid else { throw CLIError("\(error); nothing was imported (--skip-invalid imports the rest)") }
                        skipped.append(error)
                        refused += 1
                        return
                    }
                    try add(draft)
                }
            }
        } catch let error as ImportError where error.isNotUTF8 {
            // A byte past the first 64 KiB: the same advice as for one in them.
            throw CLIError(Self.encodingAdvice(error))
        }
        imported = true
        // Every paper read is counted once: added, merged, already there, purged or failed.
        let total = read - refused + skipped.count
        if output.json {
            Render.json(.object([
                "dry_run": .bool(dryRun), "file": .string(name), "format": .string(chosen.name), "papers": .int(Int64(total)),
                "added": .int(Int64(report.added)), "merged": .int(Int64(report.merged)), "unchanged": .int(Int64(report.unchanged)),
                "purged": .int(Int64(report.purged.count)), "failed": .int(Int64(skipped.count)),
                "ids": .array(report.outcomes.map { .string($0.paperID.lowercased) }),
                "skipped": .array(skipped.map(Self.problemJSON)),
                "warnings": .array(warnings.map(Self.problemJSON)),
                "purged_papers": .array(report.purged.map { .object(["title": .string($0.title), "purged_at": .string(PaperJSON.isoDate($0.purgedAt))]) }),
                "near_matches": .array(report.nearMatches.map(Render.nearMatchJSON)),
            ]))
        } else {
            let purged = report.purged.isEmpty ? "" : ", \(report.purged.count) purged earlier (left out)"
            if report.added == 0 && report.merged == 0 && report.purged.isEmpty && skipped.isEmpty {
                print("Nothing new: \(total == 1 ? "the paper" : "all \(total) papers") in \(name) \(total == 1 ? "is" : "are") already in the library.")
            } else if report.added == 0 && report.merged == 0 {
                print("Nothing new in \(name): \(total) paper\(total == 1 ? "" : "s"), \(report.unchanged) already there\(purged), \(skipped.count) failed.")
            } else {
                print("\(dryRun ? "Would import" : "Imported") \(total) paper\(total == 1 ? "" : "s") from \(name): \(report.added) added, \(report.merged) merged, \(report.unchanged) already there\(purged), \(skipped.count) failed.")
            }
            if !report.nearMatches.isEmpty {
                print(Render.nearMatches(report.nearMatches, file: name))
            }
            if !report.purged.isEmpty {
                printError("Left out \(report.purged.count) paper\(report.purged.count == 1 ? "" : "s") purged earlier (a purge is for good; `reader add ID --again` or `reader add --title … --again` brings one back):\n"
                    + report.purged.map { "  \($0.title) (purged on \(StorageError.day($0.purgedAt)))" }.joined(separator: "\n"))
            }
        }
    }

    /// A skipped record or a warning in `import --json`.
    static func problemJSON(_ problem: ImportError) -> JSONValue {
        .object(["file": .string(problem.file), "line": problem.line.map { .int(Int64($0)) } ?? .null, "reason": .string(problem.reason)])
    }

    /// Restores a JSON backup, record by record, in one transaction.
    func restore(_ data: Data, name: String, into store: Library) throws {
        guard !skipInvalid else {
            throw CLIError("--skip-invalid is for listings, BibTeX, CSL-JSON, RIS and daily papers files; a backup is restored whole")
        }
        let report = try store.restore(dryRun: dryRun) { emit in try ReaderBackup.forEachItem(in: data, file: name, emit) }
        if output.json {
            Render.json(.object([
                "dry_run": .bool(dryRun), "file": .string(name), "format": .string("json"), "records": .int(Int64(report.records)),
                "created": .int(Int64(report.created)), "updated": .int(Int64(report.updated)), "unchanged": .int(Int64(report.unchanged)),
                "purged": .int(Int64(report.purged)), "histories": .int(Int64(report.histories)),
            ]))
        } else if report.created == 0 && report.updated == 0 && report.purged == 0 && report.histories == 0 {
            print("Nothing new: all \(report.records) records in \(name) are already in the library.")
        } else {
            let histories = report.histories == 0 ? "" : "; \(report.histories) earlier text\(report.histories == 1 ? "" : "s") of notes and highlights added to their history"
            let purged = report.purged == 0 ? "" : ", \(report.purged) purged"
            print("\(dryRun ? "Would restore" : "Restored") \(report.records) records from \(name): \(report.created) new, \(report.updated) updated, \(report.unchanged) already there\(purged)\(histories).")
        }
    }

    /// Where a file stops being UTF-8: its line and byte, and how to convert it.
    static func notUTF8(_ data: Data, name: String) -> String {
        let error = data.withUnsafeBytes { ImportError.notUTF8($0.bindMemory(to: UInt8.self), file: name) }
        return encodingAdvice(error ?? ImportError(file: name, line: nil, reason: "not UTF-8 text"))
    }

    /// A file that is not UTF-8: where, and how to name its encoding.
    static func encodingAdvice(_ error: ImportError) -> String {
        "\(error); name its encoding, for example `reader import --encoding latin1 \(StorageError.shellWord(error.file))`"
    }

    /// The first 64 KiB as text, or nil when they are not UTF-8 (a cut through the
    /// last character is allowed).
    static func utf8Head(_ data: Data) -> String? {
        let limit = 64 * 1024
        let prefix = data.prefix(limit)
        for cut in 0...(prefix.count < limit ? 0 : 3) {
            if let text = String(data: prefix.dropLast(cut), encoding: .utf8) { return text }
        }
        return nil
    }

    /// The file's bytes (a large file mapped, read as the import reaches it); a
    /// clear error when it is missing or unreadable.
    static func readData(_ file: String) throws -> Data {
        if file == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        if let mapped = MappedFile.data(atPath: file) { return mapped }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw CLIError("\(file): no such file")
        }
        guard !isDirectory.boolValue else { throw CLIError("\(file): is a folder, not a file") }
        guard let contents = FileManager.default.contents(atPath: file) else {
            throw CLIError("\(file): cannot be read (check its permissions)")
        }
        return contents
    }
}
