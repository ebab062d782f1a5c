import ArgumentParser
import Interchange
import Model
import Storage

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List papers, filtered with the search language.",
        discussion: """
            reader list status:queued tag:ml
            reader list year:2020..2023 --sort year --limit 10
            reader list in:trash
            The arguments are joined and read as one query (see `reader search --help`).
            """
    )

    @Argument(help: "Filters and words, as in `reader search`.")
    var query: [String] = []

    @Option(help: "added, title, year or updated.")
    var sort: PaperSort = .added

    @Option(help: "Show at most this many papers.")
    var limit: Int?

    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        if let limit { try validateLimit(limit) }
    }

    func run() throws {
        let parsed = try parseQuery(query)
        let store = try library.open()
        let papers = try store.list(parsed, sort: sort, limit: limit)
        if output.json {
            Render.json(.array(papers.map { PaperJSON.paper($0.paper, tags: $0.tags) }))
            return
        }
        let filesHere = try store.papersWithFilesHere(papers.map(\.paper.id))
        for listed in papers { print(Render.line(listed.paper, tags: listed.tags, fileHere: filesHere.contains(listed.paper.id))) }
        if papers.isEmpty { printError(try noMatchMessage(parsed, in: store)) }
    }
}
