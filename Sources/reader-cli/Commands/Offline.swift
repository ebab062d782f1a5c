import ArgumentParser
import Foundation
import Interchange
import Lookup
import Model
import Storage

struct Offline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offline",
        abstract: "Which papers' files this machine keeps: the policy, the budget, pins.",
        discussion: """
            With no subcommand, shows what is kept, the space it takes, and what the policy \\
            wants that is missing (`reader fetch` downloads it).
              reader offline policy all tag:thesis
              reader offline budget 5GB
              reader offline pin 1706.03762
              reader offline prune --dry-run
            """,
        subcommands: [Show.self, Policy.self, Budget.self, Pin.self, Unpin.self, Prune.self],
        defaultSubcommand: Show.self
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show what is kept, its size, and what is missing.")
        @OptionGroup var library: LibraryOptions
        @OptionGroup var output: JSONOption

        func run() throws {
            let store = try library.open()
            let policy = try store.offlinePolicy()
            let budget = try store.offlineBudget()
            let here = try store.localFiles()
            let pins = try store.pinnedPapers()
            let (kept, missing) = try PaperFiles(library: store).keptAndMissing()
            let size = here.values.reduce(Int64(0)) { $0 + $1.size }
            if output.json {
                Render.json(.object([
                    "policy": .string(policy.description), "budget": .int(budget), "files": .int(Int64(here.count)), "bytes": .int(size),
                    "pinned": .array(pins.map { .string($0.lowercased) }.sorted { $0.canonicalJSON < $1.canonicalJSON }),
                    "wanted": .int(Int64(kept.count)),
                    "missing": .array(missing.map { .object(["paper_id": .string($0.id.lowercased), "title": .string($0.displayTitle)]) }),
                ]))
                return
            }
            print("Policy: \(policy) (\(policy.explanation))")
            print("Budget: \(ByteCount.text(budget)); kept here: \(here.count) file\(here.count == 1 ? "" : "s"), \(ByteCount.text(size)) in \(store.files.root.path)")
            if !pins.isEmpty { print("Pinned: \(pins.count) paper\(pins.count == 1 ? "" : "s")") }
            if missing.isEmpty {
                print("Every paper the policy wants (\(kept.count)) is here.")
            } else {
                print("Wanted and missing: \(missing.count) of \(kept.count) (`reader fetch` downloads them)")
                for paper in missing.prefix(20) { print("  " + Render.line(paper, tags: [])) }
                if missing.count > 20 { print("  … and \(missing.count - 20) more") }
            }
            if size > budget { print("Over the budget by \(ByteCount.text(size - budget)): `reader offline prune` removes files no kept paper needs.") }
        }
    }

    struct Policy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "Show or set which papers' files are kept: queue, all or none, then an optional query.",
            discussion: "reader offline policy all tag:thesis"
        )
        @Argument(help: "queue | all | none, then an optional query.") var policy: [String] = []
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            guard !policy.isEmpty else {
                let current = try store.offlinePolicy()
                print("\(current) (\(current.explanation))")
                return
            }
            let parsed = try OfflinePolicy(parsing: policy.joined(separator: " "))
            try store.setOfflinePolicy(parsed)
            print("Offline policy: \(parsed) (\(parsed.explanation)). `reader fetch` downloads what it wants.")
        }
    }

    struct Budget: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "budget",
            abstract: "Show or set the most space the papers' files may take (default 2GiB).",
            discussion: "reader offline budget 5GB"
        )
        @Argument(help: "A size: 5GB, 500MiB.") var size: String?
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            guard let size else { print(ByteCount.text(try store.offlineBudget())); return }
            let bytes = try FileOptions.size(size, option: "the budget")
            try store.setOfflineBudget(bytes)
            print("Budget: \(ByteCount.text(bytes)).")
        }
    }

    struct Pin: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pin", abstract: "Keep papers' files whatever the policy and the budget say.")
        @Argument(help: "Papers.") var papers: [String]
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            let found = try papers.map { try store.resolve($0) }
            try store.pin(found.map(\.id))
            for paper in found { print("Pinned \(paper.displayTitle)") }
        }
    }

    struct Unpin: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unpin", abstract: "Let the policy and the budget decide again.")
        @Argument(help: "Papers.") var papers: [String]
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            let found = try papers.map { try store.resolve($0) }
            try store.pin(found.map(\.id), false)
            for paper in found { print("Unpinned \(paper.displayTitle)") }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Remove files no kept paper needs until the store fits the budget (least recently opened first).",
            discussion: "Never a pinned paper's file, a file the policy wants, or a file you attached (perhaps the only copy). Their text stays searchable."
        )
        @Flag(help: "Say what would be removed; remove nothing.") var dryRun = false
        @OptionGroup var library: LibraryOptions

        func run() throws {
            let store = try library.open()
            let files = PaperFiles(library: store)
            let plan = try files.evictionPlan()
            guard !plan.files.isEmpty else {
                print("Nothing to remove: \(ByteCount.text(plan.sizeBefore)) stored, budget \(ByteCount.text(plan.budget)).")
                return
            }
            let owners = try Dictionary(grouping: store.allAttachments(), by: \.sha256)
            for file in plan.files {
                let titles = try (owners[file.hash] ?? []).compactMap { try store.paper($0.paperID)?.displayTitle }
                print("\(dryRun ? "would remove" : "removed"): \(titles.first ?? file.hash.short) (\(ByteCount.text(file.size)))")
            }
            if !dryRun { try files.evict(plan) }
            print("\(dryRun ? "Would free" : "Freed") \(ByteCount.text(plan.sizeBefore - plan.sizeAfter)); \(ByteCount.text(plan.sizeAfter)) stored, budget \(ByteCount.text(plan.budget)).")
        }
    }
}
