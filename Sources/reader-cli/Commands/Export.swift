import ArgumentParser
import Interchange
import Model
import Storage

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the library: json (lossless backup), markdown or csv.",
        discussion: """
            reader export --format json -o backup.json       # everything, restorable with `reader import`
            reader export --format markdown tag:ml > ml.md  # the reading list by status
            reader export --format csv status:read
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, markdown, csv }

    @Option(help: "json, markdown or csv.") var format: Format = .json
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?
    @Option(help: "added, title, year or updated (markdown and csv).") var sort: PaperSort = .added
    @Argument(help: "Filters, as in `reader list`.") var query: [String] = []
    @OptionGroup var library: LibraryOptions

    func run() throws {
        let parsed = try parseQuery(query)
        let store = try library.open()
        let sink = try output.map(FileOutput.init(path:)) ?? FileOutput()
        do {
            switch format {
            case .json:
                let filter = query.isEmpty ? nil : try store.paperIDs(parsed)
                var writer = ReaderBackup.Writer(output: sink)
                try store.forEachRecord(papers: filter) { writer.write($0) }
                _ = writer.finish()
            case .markdown:
                var writer = MarkdownExport(output: sink)
                let groups = parsed.statuses.isEmpty ? MarkdownExport<FileOutput>.sectionOrder : MarkdownExport<FileOutput>.sectionOrder.filter(parsed.statuses.contains)
                for status in groups {
                    var section = parsed
                    section.statuses = [status]
                    let count = try store.count(section)
                    guard count > 0 else { continue }
                    writer.section(status, count: count)
                    try store.forEachDetail(section, sort: sort) { writer.write($0) }
                }
                _ = writer.finish()
            case .csv:
                var writer = CSVExport(output: sink)
                try store.forEachDetail(parsed, sort: sort) { writer.write($0) }
                _ = writer.finish()
            }
            try sink.commit()
        } catch {
            sink.discard()
            throw error
        }
        if let output { printError("Exported to \(output)") }
    }
}
