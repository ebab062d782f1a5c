import ArgumentParser
import Interchange
import Model
import Storage

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Set a paper's reading status: inbox, queued, reading, read or dropped.",
        discussion: "reader status 2405.12345 read --rating 4"
    )

    @Argument(help: "The paper.") var paper: String
    @Argument(help: "inbox, queued, reading, read or dropped.") var status: ReadingStatus
    @Option(help: "A rating from 1 to 5.") var rating: Int?
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        try setStatus(status, of: [paper], rating: rating, library: library, json: output.json)
    }
}
