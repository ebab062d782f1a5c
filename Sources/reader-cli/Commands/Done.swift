import ArgumentParser
import Interchange
import Model
import Storage

struct Done: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark papers read, optionally with a rating.")
    @Argument(help: "The papers.") var papers: [String]
    @Option(help: "A rating from 1 to 5.") var rating: Int?
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption
    func run() throws { try setStatus(.read, of: papers, rating: rating, library: library, json: output.json) }
}
