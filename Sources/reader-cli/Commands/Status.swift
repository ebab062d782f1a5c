import ArgumentParser
import Interchange
import Model
import Storage

extension ReadingStatus: ExpressibleByArgument {
    /// Parses `text`; nil when it is not one.
    public init?(argument: String) { self.init(name: argument) }
}

/// Sets the status of papers and reports it; shared by `status` and the short verbs.
func setStatus(_ status: ReadingStatus, of references: [String], rating: Int?, library: LibraryOptions, json: Bool) throws {
    let store = try library.open()
    let papers = try references.map { try store.resolve($0) }
    for paper in papers {
        try store.setStatus(status, of: paper.id, rating: rating)
    }
    if json { return try printPapers(papers, from: store) }
    for detail in try papers.compactMap({ try store.detail($0.id) }) {
        print(Render.line(detail.paper, tags: detail.tags))
    }
}

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

struct Queue: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue", abstract: "Queue papers to read (status queued).")
    @Argument(help: "The papers.") var papers: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption
    func run() throws { try setStatus(.queued, of: papers, rating: nil, library: library, json: output.json) }
}

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start reading a paper (status reading).")
    @Argument(help: "The papers.") var papers: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption
    func run() throws { try setStatus(.reading, of: papers, rating: nil, library: library, json: output.json) }
}

struct Done: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark papers read, optionally with a rating.")
    @Argument(help: "The papers.") var papers: [String]
    @Option(help: "A rating from 1 to 5.") var rating: Int?
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption
    func run() throws { try setStatus(.read, of: papers, rating: rating, library: library, json: output.json) }
}

struct Drop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drop", abstract: "Drop papers you will not read (status dropped).")
    @Argument(help: "The papers.") var papers: [String]
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption
    func run() throws { try setStatus(.dropped, of: papers, rating: nil, library: library, json: output.json) }
}
