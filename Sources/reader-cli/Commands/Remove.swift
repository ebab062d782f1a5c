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
