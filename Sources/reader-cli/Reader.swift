import ArgumentParser

/// `reader`: a local-first reading list for research papers.
@main
struct Reader: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reader",
        abstract: "A local-first reading list for research papers.",
        discussion: """
            Papers are referenced by arXiv id (2405.12345), DOI (10.1145/...), the first \
            characters of their id (a1b2c3d4) or a fragment of their title that only one paper has.

            The library lives in $XDG_DATA_HOME/reader/library.sqlite (~/.local/share/reader/); \
            use --library PATH or READER_LIBRARY to choose another.
            """,
        version: Reader.version,
        subcommands: [
            Add.self, Import.self, List.self, Show.self, Search.self,
            Status.self, Queue.self, Start.self, Done.self, Drop.self,
            Tag.self, Tags.self, NoteCommand.self, HighlightCommand.self,
            Remove.self, Restore.self, Trash.self, Purge.self,
            Refresh.self, Fetch.self, Attach.self, Detach.self, Open.self, Offline.self, Duplicates.self, Export.self, Stats.self, Doctor.self, Backup.self,
            Remote.self, SyncCommand.self, Serve.self,
        ]
    )

    /// The version `--version` prints and the User-Agent names.
    static let version = "0.1.0"

    /// Parses the rewritten command line (``CommandLineRewriting``) and runs the command.
    static func main() async {
        let arguments = CommandLineRewriting.rewrite(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as UsageError {
            printError("Error: \(error)")
            exit(withError: ExitCode(64))
        } catch {
            exit(withError: error)
        }
    }
}
