import ArgumentParser
import Interchange
import Model
import Storage

struct Drop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drop", abstract: "Drop papers you will not read (status dropped).")
    @Argument(help: "The papers.") var papers: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption
    func run() throws { try setStatus(.dropped, of: papers, rating: nil, library: library, json: output.json) }
}
