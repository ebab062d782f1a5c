import ArgumentParser
import Foundation
import Storage
import Sync

/// `reader remote`: where the library syncs to.
struct Remote: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        abstract: "Set or show the sync server this library syncs with.",
        subcommands: [SetRemote.self, ShowRemote.self]
    )

    struct SetRemote: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set the library's URL on a sync server and the device token.",
            discussion: "reader remote set http://127.0.0.1:8787/v1/libraries/lab --token rdr_…   (READER_TOKEN overrides the stored token)"
        )
        @Argument(help: "The library's URL: http://HOST:PORT/v1/libraries/NAME.") var url: String
        @Option(help: "The device token `reader-server token create` printed.") var token: String?
        @OptionGroup var library: LibraryOptions

        func run() throws {
            _ = try HTTPTransport(libraryURL: url, token: token ?? "")
            try library.open().setRemote(SyncRemote(url: url, token: token))
            print("remote set: \(url)\(token == nil ? " (no token stored: set READER_TOKEN)" : "")")
        }
    }

    struct ShowRemote: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the remote (the token masked).")
        @OptionGroup var library: LibraryOptions

        func run() throws {
            guard let remote = try library.open().syncState().remote else {
                print("no remote set: reader remote set URL --token TOKEN")
                return
            }
            print("url    \(remote.url)")
            let token = ProcessInfo.processInfo.environment["READER_TOKEN"].map { ($0, "READER_TOKEN") } ?? remote.token.map { ($0, "stored") }
            print("token  \(token.map { "\($0.0.prefix(8))… (\($0.1))" } ?? "none")")
        }
    }
}
