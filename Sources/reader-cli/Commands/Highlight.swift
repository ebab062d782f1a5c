import ArgumentParser
import Foundation
import Interchange
import Model
import Storage

struct HighlightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "highlight",
        abstract: "Keep quoted passages of papers, with page and comment.",
        subcommands: [AddHighlight.self, ListHighlights.self, RemoveHighlight.self]
    )

    struct AddHighlight: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a highlight.",
            discussion: "reader highlight add 2405.12345 \"SKR achieves a speedup of up to 13.9 times\" --page 7 --comment \"check Table 2\""
        )
        @Argument(help: "The paper.") var paper: String
        @Argument(help: "The quoted text.") var text: String
        @Option(help: "The page.") var page: Int?
        @Option(help: "Any other location: section, figure.") var location: String?
        @Option(help: "Your comment.") var comment: String?
        @OptionGroup var library: LibraryOptions
        @OptionGroup var output: JSONOption

        func validate() throws {
            if let page, page < 1 { throw ValidationError("--page \(page): a page number is 1 or more") }
        }

        func run() throws {
            let store = try library.open()
            let found = try store.resolve(paper)
            let highlight = try store.addHighlight(to: found.id, text: text, page: page, location: location, comment: comment)
            if output.json { Render.json(PaperJSON.highlight(highlight)) } else { print("Added highlight \(Render.annotationID(highlight.id)) to \(found.displayTitle)") }
        }
    }

    struct ListHighlights: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List highlights, of one paper or of all.")
        @Argument(help: "The paper (default: all).") var paper: String?
        @OptionGroup var library: LibraryOptions
        @OptionGroup var output: JSONOption

        func run() throws {
            let store = try library.open()
            let highlights = try store.highlights(of: paper.map { try store.resolve($0).id })
            if output.json { Render.json(.array(highlights.map(PaperJSON.highlight))); return }
            var shownPaper: UUID?
            for highlight in highlights {
                // Without a paper, each paper's title heads its highlights.
                if paper == nil, shownPaper != highlight.paperID {
                    shownPaper = highlight.paperID
                    print(Render.term.bold(try store.paper(highlight.paperID)?.displayTitle ?? "(missing paper)"))
                }
                print(Render.highlight(highlight), terminator: "")
            }
        }
    }

    struct RemoveHighlight: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a highlight.")
        @Argument(help: "The highlight id (or its first characters).") var highlight: String
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            let current = try store.highlight(highlight)
            try store.removeHighlight(current.id)
            print("Removed highlight \(Render.annotationID(current.id))")
        }
    }
}
