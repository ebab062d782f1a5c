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

    @Option(help: ArgumentHelp("json (the lossless backup) or \(ExportFormat.all.map(\.name).joined(separator: ", ")).", valueName: "format"))
    var format = "json"
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?
    @Option(help: "added, title, year or updated (all but json).") var sort: PaperSort = .added
    @Flag(help: "With --format json: the canonical dump of everything synced (purged records and fields from newer versions included), byte-identical on converged replicas.") var canonical = false
    @Argument(help: "Filters, as in `reader list`.") var query: [String] = []
    @OptionGroup var library: LibraryOptions

    func run() throws {
        let parsed = try parseQuery(query)
        let paperFormat: ExportFormat?
        if format == "json" {
            paperFormat = nil
        } else if let named = ExportFormat.named(format) {
            paperFormat = named
        } else {
            throw UsageError("unknown format '\(format)'; use json, \(ExportFormat.all.map(\.name).joined(separator: ", "))")
        }
        if canonical {
            guard paperFormat == nil, query.isEmpty else { throw CLIError("--canonical dumps the whole library as json: drop --format and the filters") }
        }
        let store = try library.open()
        let sink = try output.map(FileOutput.init(path:)) ?? FileOutput()
        do {
            if let paperFormat {
                try export(paperFormat, query: parsed, from: store, to: sink)
            } else {
                try backup(query: parsed, from: store, to: sink)
            }
            try sink.commit()
        } catch {
            sink.discard()
            throw error
        }
        if let output { printError("Exported to \(output)") }
    }

    /// Papers, one format: bibliographies get their citation keys first.
    func export(_ format: ExportFormat, query: SearchQuery, from store: Library, to sink: FileOutput) throws {
        var renames: [UUID: String] = [:]
        if format.needsCitationKeys {
            // Papers exported for the first time get their key now, for good.
            try store.assignCiteKeys(papers: self.query.isEmpty ? nil : try store.paperIDs(query))
            renames = try store.citeKeyRenames()
        }
        func key(_ paper: Paper) -> String {
            guard format.needsCitationKeys else { return "" }
            return renames[paper.id] ?? paper.citeKey ?? CiteKey.base(authors: paper.authors, year: paper.year, title: paper.title) + "-" + paper.id.lowercased.prefix(8)
        }
        var writer = format.writer(to: sink)
        if format.groupsByStatus {
            let order = ReadingStatus.readingOrder
            for status in query.statuses.isEmpty ? order : order.filter(query.statuses.contains) {
                var section = query
                section.statuses = [status]
                let count = try store.count(section)
                guard count > 0 else { continue }
                writer.section(status, count: count)
                try Prefetch.run(produce: { [sort, section] emit in try store.forEachDetail(section, sort: sort, annotations: format.needsAnnotations, emit) },
                                 consume: { writer.write($0, key: key($0.paper)) })
            }
        } else {
            try Prefetch.run(produce: { [sort] emit in try store.forEachDetail(query, sort: sort, annotations: format.needsAnnotations, emit) },
                             consume: { writer.write($0, key: key($0.paper)) })
        }
        _ = writer.finish()
    }

    /// The JSON backup: every record (purged ones as tombstones, fields and records
    /// of kinds from newer versions), then, unless --canonical, text histories; or,
    /// with filters, the records of the papers that match and what belongs to them.
    func backup(query: SearchQuery, from store: Library, to sink: FileOutput) throws {
        var writer = ReaderBackup.Writer(output: sink)
        if self.query.isEmpty {
            try Prefetch.run(produce: { emit in try store.forEachCanonicalRecord { entity, id, fields in try emit((entity, id, fields)) } },
                             consume: { (record: (String, String, [String: Stamped])) in writer.write(entity: record.0, id: record.1, fields: record.2) })
            if !canonical { try store.forEachTextHistory { writer.write(history: $0) } }
        } else {
            let filter = try store.paperIDs(query)
            try Prefetch.run(produce: { emit in try store.forEachRecord(papers: filter, emit) }, consume: { writer.write($0) })
        }
        _ = writer.finish()
    }
}
