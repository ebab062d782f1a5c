import ArgumentParser
import Interchange
import Model
import Storage

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
