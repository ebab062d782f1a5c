import ArgumentParser
import Foundation
import Interchange
import Model
import Storage

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the library to a new SQLite file (safe while reader is in use).",
        discussion: "reader backup ~/backups/reader-2026-11-27.sqlite\nOpen the copy with --library PATH; it gets its own sync identity. The papers' files are copied only with --with-files (`reader fetch` gets fetched ones again)."
    )
    @Argument(help: "The new file.") var path: String
    @Flag(name: .customLong("with-files"), help: "Copy the papers' files too, beside the copy (<file>.files).") var withFiles = false
    @OptionGroup var library: LibraryOptions

    func run() throws {
        let target = LibraryOptions.expand(path)
        let folder = (target as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) {
            throw CLIError("cannot write the backup \(target): the folder \(folder) does not exist; create it first (mkdir -p \(StorageError.shellWord(folder)))")
        }
        try library.open().backup(to: target, withFiles: withFiles)
        print("Backed up to \(target)" + (withFiles ? " with the papers' files in \(target).files" : ""))
    }
}
