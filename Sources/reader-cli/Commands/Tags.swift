import ArgumentParser
import Interchange
import Model
import Storage

struct Tags: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tags", abstract: "List tags with how many papers carry each.")
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        let counts = try library.open().tagCounts()
        if output.json {
            Render.json(.array(counts.map { .object(["tag": .string($0.tag.value), "papers": .int(Int64($0.papers))]) }))
        } else {
            for (tag, papers) in counts { print("\(papers)".padding(toLength: 6, withPad: " ", startingAt: 0) + tag.value) }
        }
    }
}
