import ArgumentParser
import Foundation
import Interchange
import Lookup
import Model
import Storage

struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download papers' PDFs into the library, to read and search them offline.",
        discussion: """
            With no argument, fetches what the offline policy wants and is missing (`reader \\
            offline`; default: papers queued or being read). Arguments name papers, or are read \\
            as a query. arXiv papers come from arXiv (one request every 3 seconds), others from \\
            their PDF link or the link Crossref gives. An interrupted download resumes at the \\
            next run; a file is stored only when it is a whole PDF.
              reader fetch
              reader fetch 1706.03762
              reader fetch tag:thesis
            """
    )

    @Argument(help: "Papers, or a query (default: what the offline policy wants).") var papers: [String] = []
    @Option(name: .customLong("max-size"), help: "The largest file accepted (default 200MiB).") var maxSize: String = "200MiB"
    @Option(help: "Downloads at once (arXiv is paced whatever this says).") var jobs: Int = 3
    @Flag(name: .shortAndLong, help: "Print nothing but errors and the summary's failures.") var quiet = false
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        guard (1...16).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 16") }
    }

    func run() async throws {
        let limit = try FileOptions.size(maxSize, option: "--max-size")
        let store = try library.open()
        let targets = try Self.papers(papers, in: store)
        let files = PaperFiles(library: store)
        let client = MetadataClient(services: try MetadataServices.fromEnvironment(version: Reader.version), library: store)
        let fetcher = PaperFetcher(files: files, client: client, maxSize: limit)
        guard !targets.isEmpty else {
            if output.json { Render.json(Self.json(fetched: [], here: [], failed: [])) } else if !quiet { print("Nothing to fetch: every paper the offline policy wants is here.") }
            return
        }
        let progress = FetchProgress(total: targets.count, quiet: quiet || output.json)
        let outcomes = await Self.fetchAll(targets, with: fetcher, jobs: jobs, progress: progress)
        progress.end()

        var fetched: [(Paper, Attachment)] = []
        var here: [(Paper, Attachment)] = []
        var failed: [(Paper, String)] = []
        for (paper, outcome) in outcomes {
            switch outcome {
            case .fetched(let attachment, _, let text):
                fetched.append((paper, attachment))
                FileOptions.report(text, for: paper)
            case .alreadyHere(let attachment): here.append((paper, attachment))
            case .failed(let reason): failed.append((paper, reason))
            }
        }
        // Over the budget: the least recently opened files no kept paper needs go.
        let plan = try files.evictionPlan()
        if !plan.files.isEmpty {
            try files.evict(plan)
            if !quiet, !output.json { printError("Over the budget of \(ByteCount.text(plan.budget)): removed \(plan.files.count) file\(plan.files.count == 1 ? "" : "s") no kept paper needs (their text stays searchable).") }
        }
        if output.json {
            Render.json(Self.json(fetched: fetched, here: here, failed: failed))
        } else {
            let bytes = fetched.reduce(Int64(0)) { $0 + $1.1.size }
            print("Fetched \(fetched.count) (\(ByteCount.text(bytes))), already here \(here.count), failed \(failed.count).")
            for (paper, reason) in failed { print("  failed: \(paper.displayTitle): \(reason)") }
        }
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// The papers named, else those a query finds, else what the policy wants and is missing.
    static func papers(_ arguments: [String], in store: Library) throws -> [Paper] {
        guard !arguments.isEmpty else { return try PaperFiles(library: store).keptAndMissing().missing }
        var named: [Paper] = []
        for argument in arguments {
            guard let paper = try? store.resolve(argument) else { named = []; break }
            if !named.contains(where: { $0.id == paper.id }) { named.append(paper) }
        }
        if !named.isEmpty { return named }
        let query = try parseQuery(arguments)
        let found = try store.list(query, sort: .added).map(\.paper)
        guard !found.isEmpty else {
            if arguments.count == 1 { _ = try store.resolve(arguments[0]) }
            throw CLIError("no paper matches '\(arguments.joined(separator: " "))'")
        }
        return found
    }

    /// Fetches with at most `jobs` downloads at once, in the order given. A file
    /// received is kept (flushed to disk, recorded, its text read) beside the next
    /// downloads rather than in their place: the disk and the network work at once.
    static func fetchAll(_ papers: [Paper], with fetcher: PaperFetcher, jobs: Int, progress: FetchProgress) async -> [(Paper, PaperFetcher.Outcome)] {
        enum Step: Sendable {
            case received(Int, PaperFetcher.Reception)
            case finished(Int, PaperFetcher.Outcome)
        }
        return await withTaskGroup(of: Step.self) { group in
            var results: [PaperFetcher.Outcome?] = Array(repeating: nil, count: papers.count)
            var next = 0
            func receive(_ index: Int) {
                let paper = papers[index]
                var report: (@Sendable (Int64, Int64?) -> Void)?
                if progress.showsBytes {
                    report = { received, _ in progress.update(slot: index, received: received) }
                }
                group.addTask { .received(index, await fetcher.receive(paper, progress: report)) }
            }
            while next < min(jobs, papers.count) { receive(next); next += 1 }
            for await step in group {
                switch step {
                case .received(let index, .received(let file)):
                    group.addTask { .finished(index, fetcher.keep(file)) }
                    if next < papers.count { receive(next); next += 1 }
                case .received(let index, .finished(let outcome)):
                    results[index] = outcome
                    Self.report(outcome, of: papers[index], slot: index, to: progress)
                    if next < papers.count { receive(next); next += 1 }
                case .finished(let index, let outcome):
                    results[index] = outcome
                    Self.report(outcome, of: papers[index], slot: index, to: progress)
                }
            }
            return zip(papers, results).map { ($0, $1 ?? .failed("not fetched")) }
        }
    }

    private static func report(_ outcome: PaperFetcher.Outcome, of paper: Paper, slot: Int, to progress: FetchProgress) {
        switch outcome {
        case .fetched(let attachment, let stored, _):
            progress.finish(slot: slot, bytes: stored.size, line: "fetched: \(paper.displayTitle) (\(ByteCount.text(attachment.size)))")
        case .alreadyHere:
            progress.finish(slot: slot, bytes: 0, line: "already here: \(paper.displayTitle)")
        case .failed:
            progress.finish(slot: slot, bytes: 0, line: "failed: \(paper.displayTitle) (the reason follows at the end)")
        }
    }

    static func json(fetched: [(Paper, Attachment)], here: [(Paper, Attachment)], failed: [(Paper, String)]) -> JSONValue {
        .object([
            "fetched": .array(fetched.map { PaperJSON.attachment($0.1, here: true) }),
            "already_here": .array(here.map { PaperJSON.attachment($0.1, here: true) }),
            "failed": .array(failed.map { .object(["paper_id": .string($0.0.id.lowercased), "title": .string($0.0.displayTitle), "reason": .string($0.1)]) }),
        ])
    }
}
