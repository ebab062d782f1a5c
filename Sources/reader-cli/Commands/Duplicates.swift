import ArgumentParser
import Interchange
import Model
import Storage

struct Duplicates: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "List papers that may be one work, and merge two deliberately.",
        discussion: """
            Imports merge an entry into a paper only on a shared arXiv id or DOI, or on the \
            same title, first author and year; papers that share a title but differ are kept \
            apart and listed here.
              reader duplicates
              reader duplicates merge kullback kullback:reprint
            """,
        subcommands: [ListGroups.self, Merge.self],
        defaultSubcommand: ListGroups.self
    )

    struct ListGroups: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List papers that share a title, a DOI or an arXiv id.")
        @OptionGroup var library: LibraryOptions
        @OptionGroup var output: JSONOption

        func run() throws {
            let groups = try library.open().duplicateGroups()
            if output.json {
                Render.json(.array(groups.map { group in
                    .object([
                        "shared": .string(group.shared.rawValue),
                        "papers": .array(group.papers.map { PaperJSON.paper($0, tags: []) }),
                        "differences": .array(([[]] + group.differences).map { .array($0.map { .string($0.description) }) }),
                    ])
                }))
                return
            }
            guard !groups.isEmpty else { printError("No papers share a title, a DOI or an arXiv id."); return }
            print(groups.map(Render.duplicateGroup).joined(separator: "\n\n"))
            printError("\nMerge two with `reader duplicates merge KEEP OTHER`: KEEP gains OTHER's missing fields, tags, notes, highlights and key.")
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Merge papers into one: it gains their missing fields, tags, notes, highlights and citation keys (as aliases); they are purged.",
            discussion: "reader duplicates merge kullback kullback:reprint"
        )
        @Argument(help: "The paper to keep.") var keep: String
        @Argument(help: "The papers merged into it.") var others: [String]
        @OptionGroup var library: LibraryOptions
        @OptionGroup var output: JSONOption

        func validate() throws {
            guard !others.isEmpty else { throw ValidationError("name the paper to keep, then at least one paper to merge into it") }
        }

        func run() throws {
            let store = try library.open()
            let kept = try store.resolve(keep)
            let merged = try others.map { try store.resolve($0) }
            for paper in merged {
                guard paper.id != kept.id else { throw CLIError("'\(keep)' and the paper to merge are one paper: \(kept.displayTitle)") }
            }
            try store.mergePapers(merged.map(\.id), into: kept.id)
            guard let detail = try store.detail(kept.id) else { throw CLIError("the kept paper is gone: \(kept.displayTitle)") }
            if output.json { Render.json(PaperJSON.detail(detail)); return }
            let keys = detail.paper.citeAliases.isEmpty ? "" : "; its aliases: " + detail.paper.citeAliases.joined(separator: ", ")
            print("Merged \(merged.count) paper\(merged.count == 1 ? "" : "s") into \(detail.paper.displayTitle) (\(detail.paper.citeKey ?? Render.shortID(kept.id)))\(keys).")
        }
    }
}
