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

    /// Whether the library is the default one (no option, no `READER_LIBRARY`).
    var isDefaultLocation: Bool {
        (library ?? "").isEmpty && (ProcessInfo.processInfo.environment["READER_LIBRARY"] ?? "").isEmpty
    }

    /// Opens the library. A new one is created only where the user clearly asked
    /// for it: at the default location, or at a path whose folder exists (a
    /// mistyped folder creates nothing); a new library is announced once on stderr.
    func open() throws -> Library {
        let path = self.path
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists, !isDefaultLocation {
            let folder = (path as NSString).deletingLastPathComponent
            var isFolder: ObjCBool = false
            if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) {
                throw CLIError("there is no library at \(path), and its folder \(folder) does not exist; check the path, or create the folder first (mkdir -p \(StorageError.shellWord(folder))) to start a new library there")
            }
        }
        let library = try Library(path: path)
        if !exists { printError("Created a new library at \(path)") }
        return library
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
