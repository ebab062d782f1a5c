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

    func run() throws {
        let parsed = try parseQuery(query)
        let papers = try library.open().list(parsed, sort: sort, limit: limit)
        if output.json {
            Render.json(.array(papers.map { PaperJSON.paper($0.paper, tags: $0.tags) }))
            return
        }
        for listed in papers { print(Render.line(listed.paper, tags: listed.tags)) }
        if papers.isEmpty { printError("No papers match.") }
    }
}

extension PaperSort: ExpressibleByArgument {}

/// Parses query words typed as separate arguments.
func parseQuery(_ words: [String]) throws -> SearchQuery {
    do {
        return try SearchQuery(words.map { $0.contains(where: \.isWhitespace) && !$0.contains("\"") ? "\"\($0)\"" : $0 }.joined(separator: " "))
    } catch {
        throw CLIError(error.description)
    }
}
