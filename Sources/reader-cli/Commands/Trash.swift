import ArgumentParser
import Interchange
import Model
import Storage

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Move papers to the trash (restore brings them back).")
    @Argument(help: "The papers.") var papers: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let store = try library.open()
        let found = try papers.map { reference in
            do {
                return try store.resolve(reference)
            } catch StorageError.paperInTrash(_, let title) {
                throw CLIError("'\(reference)' is already in the trash (\(title)); `reader purge` deletes it for good, `reader restore` brings it back")
            }
        }
        try store.trash(found.map(\.id))
        if output.json { return try printPapers(found, from: store) }
        for paper in found { print("Trashed \(Render.shortID(paper.id))  \(paper.displayTitle)") }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Bring papers back from the trash.")
    @Argument(help: "The papers.") var papers: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let store = try library.open()
        let found = try papers.map { try store.resolve($0, inTrash: true) }
        try store.restore(found.map(\.id))
        if output.json { return try printPapers(found, from: store) }
        for paper in found { print("Restored \(Render.shortID(paper.id))  \(paper.displayTitle)") }
    }
}

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

/// Prints papers as they are now, as a JSON array of paper details.
func printPapers(_ papers: [Paper], from store: Library) throws {
    Render.json(.array(try papers.compactMap { try store.detail($0.id) }.map(PaperJSON.detail)))
}
