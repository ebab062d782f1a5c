import ArgumentParser
import Foundation
import Storage

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Open the library in a browser: the reading room, on this machine.",
        discussion: """
            Serves the queue, papers with their notes and PDFs, search, tags, reading \
            stats and the sync state at http://127.0.0.1:8790/ until Ctrl-C. Edits made \
            in the browser go through the same write path as the commands, and sync. \
            Nothing is loaded from another machine: it works offline.
            Only this machine can connect. --host ADDRESS listens elsewhere too, and then \
            every request needs a token (printed in the address, or --token).
              reader serve --open
            """
    )

    @Option(help: "The port (0: any free port).") var port = 8790
    @Option(help: "Listen on this address instead of 127.0.0.1 (asks for a token).") var host: String?
    @Option(help: "The token requests must carry when --host is given (default: a new random one).") var token: String?
    @Flag(help: "Open the room in the browser ($READER_OPENER, else xdg-open).") var open = false
    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if token != nil, host == nil {
            throw ValidationError("--token goes with --host: on 127.0.0.1 only this machine can connect, and no token is asked")
        }
    }

    func run() throws {
        // Opened here so that a new library is made (and announced) as by every command.
        let store = try library.open()
        var arguments = ["--library", store.path, "--port", String(port)]
        if let host { arguments += ["--host", host] }
        if let token { arguments += ["--token", token] }
        if open { arguments.append("--open") }
        try Self.runWebServer(arguments)
    }

    /// Replaces this process with `reader-web` (beside this executable), so that
    /// Ctrl-C and the exit status are the web server's own.
    static func runWebServer(_ arguments: [String]) throws -> Never {
        let folder = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath().deletingLastPathComponent()
        let web = folder.appendingPathComponent("reader-web").path
        guard FileManager.default.isExecutableFile(atPath: web) else {
            throw CLIError("`reader serve` runs reader-web, which is not beside reader (\(web)); build it with `swift build -c release --product reader-web` and copy .build/release/reader-web next to reader")
        }
        fflush(nil)
        var cArguments: [UnsafeMutablePointer<CChar>?] = ([web] + arguments).map { strdup($0) } + [nil]
        execv(web, &cArguments)
        let reason = String(cString: strerror(errno))
        throw CLIError("cannot run \(web): \(reason)")
    }
}
