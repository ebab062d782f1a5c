import ArgumentParser
import Model
import Storage

/// `reader purge`: delete papers for good, on every synced machine.
struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete papers for good (unlike rm, which moves them to the trash); their notes stay as orphans.",
        discussion: """
            A purge syncs to every machine and cannot be undone. reader note list --orphans shows \
            the notes left. The papers' files go with them, and so does any stored file no paper \
            names any more; `reader purge --files` removes only those.
            """
    )
    @Argument(help: "The papers, in the trash (rm moves them there), or anywhere with --yes.") var papers: [String] = []
    @Flag(help: "Purge papers that are not in the trash too, without the rm first.") var yes = false
    @Flag(help: "Remove the stored files no paper names any more (no papers needed).") var files = false
    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if papers.isEmpty && !files { throw ValidationError("name the papers to purge, or give --files to remove the files no paper names") }
    }

    func run() throws {
        let store = try library.open()
        defer {
            if let removed = try? store.purgeUnreferencedFiles(), !removed.isEmpty || files {
                print("Removed \(removed.count) file\(removed.count == 1 ? "" : "s") no paper names (\(ByteCount.text(removed.values.reduce(0, +)))).")
            }
        }
        guard !papers.isEmpty else { return }
        let found = try papers.map { reference in
            do {
                return try store.resolve(reference, in: yes ? .anywhere : .trash)
            } catch StorageError.paperNotInTrash(_, let title) {
                let word = StorageError.shellWord(reference)
                throw CLIError("'\(reference)' is not in the trash (\(title)); a purge cannot be undone, so move it there first with `reader rm \(word)`, or purge it at once with `reader purge --yes \(word)`")
            }
        }
        try store.purge(found.map(\.id))
        for paper in found { print("Purged \(Render.shortID(paper.id))  \(paper.displayTitle)") }
    }
}
