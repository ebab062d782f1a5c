import ArgumentParser
import Foundation
import Lookup
import Model
import Storage
import Sync

struct Open: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open a paper's file (its PDF), fetching it first when it is not here.",
        discussion: """
            A file that is not here comes from the sync server when the library syncs and \
            another machine has sent it, else from the paper's own links. Opens with $READER_OPENER, else xdg-open (open on macOS). --path prints the \\
            file's path instead, for scripts:
              reader open krylov
              zathura "$(reader open --path krylov)"
            """
    )

    @Argument(help: "The paper.") var paper: String
    @Flag(help: "Print the file's path instead of opening it.") var path = false
    @Option(name: .customLong("max-size"), help: "The largest file fetched (default 200MiB).") var maxSize: String = "200MiB"
    @OptionGroup var library: LibraryOptions

    func run() async throws {
        let store = try library.open()
        let found = try store.resolve(paper)
        let files = PaperFiles(library: store)
        var file = try files.fileHere(of: found.id)
        var serverProblem: String?
        if file == nil, try store.syncState().remote != nil, !(try store.attachments(of: found.id)).isEmpty {
            if !path { printError("Getting the file of \(found.displayTitle) from the sync server…") }
            do {
                let sync = FileSync(library: store, transport: try SyncCommand.RunSync.transport(for: store),
                                    maxSize: try FileOptions.size(maxSize, option: "--max-size"))
                file = try await sync.download(fileOf: found.id)
            } catch let error as SyncError {
                serverProblem = error.description
            }
        }
        if file == nil {
            let client = MetadataClient(services: try MetadataServices.fromEnvironment(version: Reader.version), library: store)
            let fetcher = PaperFetcher(files: files, client: client, maxSize: try FileOptions.size(maxSize, option: "--max-size"))
            if !path { printError("Fetching the file of \(found.displayTitle)…") }
            switch await fetcher.fetch(found) {
            case .fetched(let attachment, _, let text):
                FileOptions.report(text, for: found)
                file = attachment
            case .alreadyHere(let attachment):
                file = attachment
            case .failed(let reason):
                let server = serverProblem.map { " The sync server did not give it either: \($0)" } ?? ""
                throw CLIError("the file of \(found.displayTitle) is not on this machine, and it could not be fetched: \(reason).\(server)")
            }
        }
        guard let file else { return }
        let location = files.store.path(of: file.sha256)
        try store.noteOpened(file.sha256)
        if path { print(location.path); return }
        try Self.launch(location)
    }

    /// Runs the opener on a file and waits for it.
    static func launch(_ file: URL) throws {
        do {
            try Opener.open(file.path)
        } catch {
            throw CLIError("\(error.reason); set READER_OPENER to your PDF viewer, or use `reader open --path`")
        }
    }
}
