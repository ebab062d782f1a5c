import ArgumentParser
import Interchange
import Model
import Storage
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the library: bibtex, biblatex, csl-json, ris, json (lossless backup), markdown or csv.",
        discussion: """
            reader export --format bibtex -o refs.bib        # for LaTeX; keys never change once given
            reader export --format csl-json tag:thesis      # for pandoc --citeproc
            reader export --format json -o backup.json       # everything, restorable with `reader import`
            reader export --format markdown tag:ml > ml.md  # the reading list by status
            reader export --format csv status:read
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, markdown, csv, bibtex, biblatex
        case cslJSON = "csl-json"
        case ris
    }

    @Option(help: "json, markdown, csv, bibtex, biblatex, csl-json or ris.") var format: Format = .json
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?
    @Option(help: "added, title, year or updated (all but json).") var sort: PaperSort = .added
    @Flag(help: "With --format json: the canonical dump of everything synced (purged records and fields from newer versions included), byte-identical on converged replicas.") var canonical = false
    @Argument(help: "Filters, as in `reader list`.") var query: [String] = []
    @OptionGroup var library: LibraryOptions

    func run() throws {
        let parsed = try parseQuery(query)
        let store = try library.open()
        if canonical {
            guard format == .json, query.isEmpty else { throw CLIError("--canonical dumps the whole library as json: drop --format and the filters") }
        }
        var renames: [UUID: String] = [:]
        if [.bibtex, .biblatex, .cslJSON, .ris].contains(format) {
            // Papers exported for the first time get their key now, for good.
            try store.assignCiteKeys(papers: query.isEmpty ? nil : try store.paperIDs(parsed))
            renames = try store.citeKeyRenames()
        }
        func key(_ paper: Paper) -> String {
            renames[paper.id] ?? paper.citeKey ?? CiteKey.base(authors: paper.authors, year: paper.year, title: paper.title) + "-" + paper.id.lowercased.prefix(8)
        }
        let sink = try output.map(FileOutput.init(path:)) ?? FileOutput()
        do {
            switch format {
            case .json where query.isEmpty:
                // Everything: every record (purged ones as tombstones, fields and records
                // of kinds from newer versions), then, unless --canonical, text histories.
                var writer = ReaderBackup.Writer(output: sink)
                try Pipeline.run(consume: { (record: (String, String, [String: Stamped])) in writer.write(entity: record.0, id: record.1, fields: record.2) }) { emit in
                    try store.forEachCanonicalRecord { entity, id, fields in emit((entity, id, fields)) }
                }
                if !canonical { try store.forEachTextHistory { writer.write(history: $0) } }
                _ = writer.finish()
            case .json:
                let filter = try store.paperIDs(parsed)
                var writer = ReaderBackup.Writer(output: sink)
                try Pipeline.run(consume: { writer.write($0) }) { emit in try store.forEachRecord(papers: filter, emit) }
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
                    try Pipeline.run(consume: { writer.write($0) }) { emit in try store.forEachDetail(section, sort: sort, emit) }
                }
                _ = writer.finish()
            case .csv:
                var writer = CSVExport(output: sink)
                try Pipeline.run(consume: { writer.write($0) }) { emit in try store.forEachDetail(parsed, sort: sort, emit) }
                _ = writer.finish()
            case .bibtex, .biblatex:
                var writer = BibTeXExport(output: sink, dialect: format == .bibtex ? .bibtex : .biblatex)
                try Pipeline.run(consume: { writer.write($0, key: key($0.paper)) }) { emit in
                    try store.forEachDetail(parsed, sort: sort, annotations: false, emit)
                }
                _ = writer.finish()
            case .cslJSON:
                var writer = CSLJSONExport(output: sink)
                try Pipeline.run(consume: { writer.write($0, key: key($0.paper)) }) { emit in
                    try store.forEachDetail(parsed, sort: sort, annotations: false, emit)
                }
                _ = writer.finish()
            case .ris:
                var writer = RISExport(output: sink)
                try Pipeline.run(consume: { writer.write($0, key: key($0.paper)) }) { emit in
                    try store.forEachDetail(parsed, sort: sort, annotations: false, emit)
                }
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
