import ArgumentParser
import Interchange
import Storage

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a paper with its notes and highlights.",
        discussion: "reader show 2405.12345\nreader show a1b2c3d4 --json"
    )

    @Argument(help: "The paper: arXiv id, DOI, id prefix or title fragment.")
    var paper: String

    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let store = try library.open()
        // A paper in the list first; one in the trash when nothing in the list fits.
        let found: Paper
        do {
            found = try store.resolve(paper)
        } catch StorageError.paperInTrash {
            found = try store.resolve(paper, in: .trash)
        }
        guard let detail = try store.detail(found.id) else { throw StorageError.paperNotFound(reference: paper) }
        if output.json { Render.json(PaperJSON.detail(detail)) } else { print(Render.detail(detail), terminator: "") }
    }
}

import Model
