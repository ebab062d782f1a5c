import ArgumentParser
import Foundation
import Interchange
import Model
import Storage

struct Detach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detach",
        abstract: "Remove a file from a paper (on every synced machine).",
        discussion: """
            FILE is the file's name as `reader show` lists it, or the start of its SHA-256; \\
            it may be left out when the paper has one file. The bytes stay in the store until \\
            `reader purge --files` (and on the sync server until its garbage collection): \\
            attaching the same file again brings it back.
              reader detach 1706.03762 attention-annotated.pdf
            """
    )

    @Argument(help: "The paper.") var paper: String
    @Argument(help: "The file's name or the start of its SHA-256 (default: the paper's only file).") var file: String?
    @OptionGroup var library: LibraryOptions

    func run() throws {
        let store = try library.open()
        let found = try store.resolve(paper)
        let attachments = try store.attachments(of: found.id)
        let matching: [Attachment]
        if let file {
            let key = file.lowercased()
            matching = attachments.filter { $0.name == file || (key.count >= 4 && $0.sha256.hex.hasPrefix(key)) }
        } else {
            matching = attachments
        }
        guard let attachment = matching.first, matching.count == 1 else {
            let names = attachments.map { "\($0.name ?? "unnamed") (\($0.sha256.short))" }.joined(separator: ", ")
            if attachments.isEmpty { throw CLIError("\(found.displayTitle) has no file") }
            if matching.isEmpty, let file { throw CLIError("\(found.displayTitle) has no file '\(file)'; its files: \(names)") }
            throw CLIError("\(found.displayTitle) has \(matching.count) files; name one: \(names)")
        }
        try store.detach(attachment)
        print("Removed \(attachment.name ?? attachment.sha256.short) from \(found.displayTitle) (the bytes stay until `reader purge --files`)")
    }
}
