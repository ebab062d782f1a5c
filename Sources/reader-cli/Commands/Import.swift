import ArgumentParser
import Foundation
import Interchange
import Model
import Storage

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import papers from a file (a pasted papers listing or a reader JSON backup).",
        discussion: """
            The whole file is imported in one transaction: if any record is bad, nothing is \
            stored and the error names its line. Papers already in the library (same arXiv id, \
            DOI or title) are completed, never duplicated.
              reader import Examples/trending-papers.txt
              reader import backup.json
            """
    )

    @Argument(help: "The file to import, or - for standard input.")
    var file: String

    @Option(help: "auto (judge by content), listing or json.")
    var format: String = "auto"

    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let text = try Self.readText(file)
        let name = file == "-" ? "<stdin>" : file
        let chosen: ImportFormat
        if format == "auto" {
            guard let detected = ImportFormat.detect(text) else {
                throw CLIError("\(name): cannot tell the format; reader reads a papers listing (title line, blank line, abstract) or a reader JSON backup. Use --format to choose")
            }
            chosen = detected
        } else {
            guard let named = ImportFormat(rawValue: format) else {
                throw CLIError("unknown format '\(format)'; use auto, listing or json")
            }
            chosen = named
        }
        let store = try library.open()
        switch chosen {
        case .listing:
            let drafts = try PapersListing.parse(text, file: name)
            let report = try store.importPapers(drafts)
            if output.json {
                Render.json(.object([
                    "file": .string(name), "format": .string("listing"), "papers": .int(Int64(drafts.count)),
                    "added": .int(Int64(report.added)), "merged": .int(Int64(report.merged)), "unchanged": .int(Int64(report.unchanged)),
                    "ids": .array(report.outcomes.map { .string($0.paperID.lowercased) }),
                ]))
            } else if report.added == 0 && report.merged == 0 {
                print("Nothing new: all \(drafts.count) papers in \(name) are already in the library.")
            } else {
                print("Imported \(drafts.count) papers from \(name): \(report.added) added, \(report.merged) merged, \(report.unchanged) already there.")
            }
        case .json:
            let records = try ReaderBackup.read(text, file: name)
            let report = try store.merge(records)
            if output.json {
                Render.json(.object([
                    "file": .string(name), "format": .string("json"), "records": .int(Int64(records.count)),
                    "created": .int(Int64(report.created)), "updated": .int(Int64(report.updated)), "unchanged": .int(Int64(report.unchanged)),
                ]))
            } else if report.created == 0 && report.updated == 0 {
                print("Nothing new: all \(records.count) records in \(name) are already in the library.")
            } else {
                print("Restored \(records.count) records from \(name): \(report.created) new, \(report.updated) updated, \(report.unchanged) already there.")
            }
        }
    }

    /// The file's text; a clear error when it is missing, unreadable or not UTF-8.
    static func readText(_ file: String) throws -> String {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
                throw CLIError("\(file): no such file")
            }
            guard !isDirectory.boolValue else { throw CLIError("\(file): is a folder, not a file") }
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw CLIError("\(file): cannot be read (check its permissions)")
            }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError("\(file == "-" ? "<stdin>" : file): not UTF-8 text")
        }
        return text
    }
}
