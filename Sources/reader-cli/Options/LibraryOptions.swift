import ArgumentParser
import Foundation
import Storage

/// `--library PATH`, shared by every command.
struct LibraryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The library file.", discussion: "Default: READER_LIBRARY, else $XDG_DATA_HOME/reader/library.sqlite.", valueName: "path"))
    var library: String?

    /// Where the library is: the option, `READER_LIBRARY`, `$XDG_DATA_HOME/reader/`, `~/.local/share/reader/`.
    var path: String {
        let environment = ProcessInfo.processInfo.environment
        if let library, !library.isEmpty { return Self.expand(library) }
        if let variable = environment["READER_LIBRARY"], !variable.isEmpty { return Self.expand(variable) }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share"
        return data + "/reader/library.sqlite"
    }

    func open() throws -> Library {
        try Library(path: path)
    }

    static func expand(_ path: String) -> String {
        if path == "~" || path.hasPrefix("~/") {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            return home + path.dropFirst()
        }
        return path
    }
}

/// `--json`, for commands that print records.
struct JSONOption: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (the schema is in docs/json.md).")
    var json = false
}
