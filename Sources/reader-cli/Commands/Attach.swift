import ArgumentParser
import Foundation
import Synchronization
import Interchange
import Lookup
import Model
import Storage

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Add a file you have to a paper (your annotated copy, a PDF from elsewhere).",
        discussion: """
            The file is copied into the library's file store (<library>.files), named by the \
            SHA-256 of its bytes; the same bytes are stored once. A PDF's text is indexed, so \
            that `reader search` finds words inside it.
              reader attach 1706.03762 ~/Downloads/attention-annotated.pdf
            """
    )

    @Argument(help: "The paper.") var paper: String
    @Argument(help: "The file.") var file: String
    @Option(name: .customLong("max-size"), help: "The largest file accepted (default 200MiB).") var maxSize: String = "200MiB"
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let limit = try FileOptions.size(maxSize, option: "--max-size")
        let store = try library.open()
        let found = try store.resolve(paper)
        let files = PaperFiles(library: store)
        let source = URL(fileURLWithPath: LibraryOptions.expand(file))
        let (attachment, stored, text) = try files.attach(copying: source, to: found.id, maxSize: limit)
        if output.json { Render.json(PaperJSON.attachment(attachment, here: true)); return }
        print("Attached \(attachment.name ?? stored.hash.short) (\(ByteCount.text(stored.size))\(stored.wasPresent ? ", already in the store" : "")) to \(found.displayTitle)")
        FileOptions.report(text, for: found)
    }
}

/// What the file commands share: sizes as typed, and what became of a file's text.
enum FileOptions {
    /// A size option (`200MiB`, `5GB`) in bytes.
    static func size(_ text: String, option: String) throws -> Int64 {
        guard let bytes = ByteCount.parse(text), bytes > 0 else {
            throw CLIError("\(option) '\(text)' is not a size; write it like 200MiB, 5GB or 1500000")
        }
        return bytes
    }

    /// Says on standard error when a file's text could not be read (once for a
    /// missing program: ``noToolMentioned``).
    static func report(_ outcome: PaperFiles.TextOutcome, for paper: Paper) {
        switch outcome {
        case .failed(let reason):
            printError("Could not read the text of the file of \(paper.displayTitle): \(reason). The file is kept; search will not find words inside it.")
        case .noTool(let reason):
            if !noToolMentioned.exchange(true, ordering: .relaxed) { printError("Note: \(reason).") }
        case .indexed, .alreadyIndexed, .notPDF:
            break
        }
    }

    static let noToolMentioned = Atomic<Bool>(false)
}
