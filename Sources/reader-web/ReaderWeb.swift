import ArgumentParser
import Foundation
import Logging
import ReadingRoom
import Storage

/// `reader-web`: the reading room's web server, which `reader serve` runs (in its
/// own executable, so that the web server's libraries do not slow every other
/// `reader` command's start-up).
@main
struct ReaderWeb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reader-web",
        abstract: "The reading room: the library in a browser, on this machine (run by `reader serve`)."
    )

    @Option(help: "The library file.") var library: String
    @Option(help: "The address to listen on; any but loopback asks for a token.") var host = "127.0.0.1"
    @Option(help: "The port (0: any free port).") var port = 8790
    @Option(help: "The token every request must carry (default off loopback: a new random one).") var token: String?
    @Flag(help: "Open the room in the browser, with $READER_OPENER or xdg-open.") var open = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "warning"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port takes 0 to 65535, not \(port)") }
        if let token, token.count < 16 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.~".contains($0)) }) {
            throw ValidationError("--token takes at least 16 letters, digits, '-', '_', '.' or '~'")
        }
    }

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host)
        // Off loopback, every request carries a token: the one given, or a new one.
        let token = loopback ? self.token : (self.token ?? ReadingRoom.newToken())
        let room = try ReadingRoom(library: try Library(path: library), token: token)
        let host = self.host, open = self.open
        let app = room.application(host: host, port: port, logger: Logger(label: "reader-web")) { bound in
            let shown = host.contains(":") ? "[\(host)]" : host
            let address = "http://\(shown):\(bound)/" + (token.map { "?token=\($0)" } ?? "")
            // The first line on standard output, for scripts and tests that start the room on port 0.
            FileHandle.standardOutput.write(Data("reading room at \(address)\n".utf8))
            FileHandle.standardError.write(Data("Ctrl-C stops it.\n".utf8))
            if open {
                Task.detached {
                    do { try Opener.open(address) } catch {
                        FileHandle.standardError.write(Data("could not open the browser: \(error); open \(address) yourself\n".utf8))
                    }
                }
            }
        }
        try await app.runService()
    }
}
