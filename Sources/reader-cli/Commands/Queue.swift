import ArgumentParser
import Interchange
import Model
import Storage

struct Queue: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue", abstract: "Queue papers to read (status queued).")
    @Argument(help: "The papers.") var papers: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption
    func run() throws { try setStatus(.queued, of: papers, rating: nil, library: library, json: output.json) }
}
