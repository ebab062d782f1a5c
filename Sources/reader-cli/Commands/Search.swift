import ArgumentParser
import Interchange
import Model
import Storage

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search titles, authors, abstracts, tags, notes, highlights and the papers' own text.",
        discussion: """
            The arguments are joined and read as one query, so quoting the whole query for the shell \
            changes nothing. Words must all match; a phrase needs quotes inside the shell's \
            ('"neural operator"'); -word excludes; word* matches a prefix.
            A paper whose words match only inside its file (fetched or attached) comes after \
            the others, with the page: `p. 7: …snippet…`.
            Filters: tag:NAME status:STATE year:2024 year:2020..2023 author:NAME
                     has:notes|highlights|code|pdf|abstract|tags|doi|arxiv|file|text  no:...
                     in:trash  in:text (only inside papers' files)  (-filter negates)
              reader search attention -survey tag:ml
              reader search "neural operator" year:2024
            """
    )

    @Argument(help: "The query.")
    var query: [String]

    @Option(help: "Show at most this many results.")
    var limit: Int = 20

    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        try validateLimit(limit)
    }

    func run() throws {
        let parsed = try parseQuery(query)
        let store = try library.open()
        let hits = try store.search(parsed, limit: limit)
        if output.json {
            Render.json(.array(hits.map { hit in
                guard case .object(var object) = PaperJSON.paper(hit.paper, tags: hit.tags) else { return .null }
                object["snippet"] = .string(hit.snippet(open: "[", close: "]"))
                object["score"] = .int(Int64((hit.score * -1000).rounded()))
                object["page"] = hit.page.map { .int(Int64($0)) } ?? .null
                return .object(object)
            }))
            return
        }
        let marks = Terminal.stdout.matchMarks
        for hit in hits {
            print(Render.line(hit.paper, tags: hit.tags))
            let snippet = hit.snippet(open: marks.open, close: marks.close).split(whereSeparator: \.isNewline).joined(separator: " ")
            if !snippet.isEmpty { print("          " + (hit.page.map { "p. \($0): " } ?? "") + snippet) }
        }
        if hits.isEmpty { printError(try noMatchMessage(parsed, in: store)) }
    }
}
