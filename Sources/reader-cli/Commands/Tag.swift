import ArgumentParser
import Interchange
import Model
import Storage

struct Tag: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Add (+name or name) and remove (-name) tags on a paper.",
        discussion: "reader tag 2405.12345 +ml +\"deep learning\" -todo\nTags are case-insensitive; spaces become '-'."
    )

    @Argument(help: "The paper.") var paper: String
    @Argument(parsing: .allUnrecognized, help: "+name to add, -name to remove.") var changes: [String] = []
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() throws {
        guard !changes.isEmpty else {
            throw UsageError("no tag to change on '\(paper)': give +name to add a tag and -name to remove one (`reader tag \(StorageError.shellWord(paper)) +to-read`); `reader tags` lists them")
        }
        var adding: [TagName] = [], removing: [TagName] = []
        for change in changes {
            if change.hasPrefix("-") { removing.append(try tagName(String(change.dropFirst()))) }
            else if change.hasPrefix("+") { adding.append(try tagName(String(change.dropFirst()))) }
            else { adding.append(try tagName(change)) }
        }
        let store = try library.open()
        let found = try store.resolve(paper)
        let tags = try store.tag(found.id, adding: adding, removing: removing)
        if output.json {
            guard let detail = try store.detail(found.id) else { return }
            Render.json(PaperJSON.detail(detail))
        } else {
            print(Render.line(found, tags: tags))
        }
    }
}
