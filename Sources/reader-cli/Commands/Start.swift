import ArgumentParser
import Interchange
import Model
import Storage

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start reading a paper (status reading).")
    @Argument(help: "The papers.") var papers: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption
    func run() throws { try setStatus(.reading, of: papers, rating: nil, library: library, json: output.json) }
}
