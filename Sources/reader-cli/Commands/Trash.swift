import ArgumentParser
import Interchange
import Model
import Storage

struct Trash: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trash", abstract: "List the papers in the trash.")
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        var query = SearchQuery()
        query.inTrash = true
        let papers = try library.open().list(query, sort: .updated)
        if output.json { Render.json(.array(papers.map { PaperJSON.paper($0.paper, tags: $0.tags) })); return }
        for listed in papers { print(Render.line(listed.paper, tags: listed.tags)) }
        if papers.isEmpty { printError("The trash is empty.") }
    }
}
