import ArgumentParser
import Foundation
import Interchange
import Model
import Lookup
import Storage

struct Refresh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Fetch the metadata of papers added without it, or of the papers named.",
        discussion: """
            With no papers named, completes every paper that `reader add` stored without \\
            metadata (no network at the time, or --offline). Fields a paper has are kept; \\
            only missing ones are filled. arXiv ids go 100 to a request, one request every \\
            3 seconds; DOIs go to Crossref.
              reader refresh
              reader refresh 2405.12345 10.1145/3442188.3445922
            """
    )

    @Argument(help: "Papers to refresh (arXiv id, DOI, id prefix or title fragment).")
    var papers: [String] = []

    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func run() async throws {
        let store = try library.open()
        let targets: [Paper] = papers.isEmpty
            ? try store.pendingLookups().map(\.paper) + store.papersToIdentify()
            : try papers.map { try store.resolve($0) }
        guard !targets.isEmpty else {
            if output.json { Render.json(.object(["completed": .int(0), "failed": .array([]), "waiting": .int(0)])) } else { print("Nothing to refresh.") }
            return
        }
        let client = MetadataClient(services: try MetadataServices.fromEnvironment(version: Reader.version), library: store)
        var completed = 0
        var failed: [(Paper, String)] = []
        var unreachable: String?

        let byArXiv = targets.filter { $0.arxiv != nil }
        let byDOI = targets.filter { $0.arxiv == nil && $0.doi != nil }
        let byTitle = targets.filter { $0.arxiv == nil && $0.doi == nil }

        batches: for start in stride(from: 0, to: byArXiv.count, by: 100) {
            let batch = Array(byArXiv[start..<min(start + 100, byArXiv.count)])
            let drafts: [PaperDraft]
            do {
                drafts = try await client.arxiv(batch.compactMap(\.arxiv))
            } catch .unreachable(let service, let reason) {
                unreachable = "\(service): \(reason)"
                break batches
            } catch {
                for paper in batch { try store.lookupFailed(paper.id, reason: error.description) }
                failed += batch.map { ($0, error.description) }
                continue
            }
            for paper in batch {
                if let draft = drafts.first(where: { $0.arxiv?.id == paper.arxiv?.id }) {
                    try store.completeLookup(of: paper.id, with: draft)
                    completed += 1
                } else {
                    try store.lookupFailed(paper.id, reason: "arXiv returned no entry")
                    failed.append((paper, "arXiv returned no entry"))
                }
            }
        }
        if unreachable == nil {
            for paper in byDOI {
                guard let doi = paper.doi else { continue }
                let draft: PaperDraft
                do {
                    draft = try await client.crossref(doi)
                } catch .unreachable(let service, let reason) {
                    unreachable = "\(service): \(reason)"
                    break
                } catch {
                    try store.lookupFailed(paper.id, reason: error.description)
                    failed.append((paper, error.description))
                    continue
                }
                try store.completeLookup(of: paper.id, with: draft)
                completed += 1
            }
        }
        var identified: [(Paper, String)] = []
        var nearMisses: [(Paper, [TitleLookup.NearMiss])] = []
        if unreachable == nil, !byTitle.isEmpty {
            let lookup = TitleLookup(client: client)
            for (index, paper) in byTitle.enumerated() {
                if byTitle.count > 1, !output.json { printError("looking up \(index + 1) of \(byTitle.count) by title: \(paper.displayTitle)") }
                let outcome: TitleLookup.Outcome
                do {
                    outcome = try await lookup.identify(paper)
                } catch .unreachable(let service, let reason) {
                    unreachable = "\(service): \(reason)"
                    break
                } catch {
                    failed.append((paper, error.description))
                    continue
                }
                switch outcome {
                case .identified(let draft, _, _):
                    switch try store.identify(paper.id, as: draft) {
                    case .filled:
                        identified.append((paper, draft.arxiv?.description ?? ""))
                        completed += 1
                    case .alreadyInLibrary(let other):
                        let title = try store.paper(other)?.displayTitle ?? other.lowercased
                        failed.append((paper, "arXiv \(draft.arxiv?.description ?? "") is this paper, and it is already in the library as '\(title)'; `reader duplicates` shows them"))
                    }
                case .nearMisses(let candidates):
                    try store.titleLookupFailed(paper.id, result: "near miss")
                    nearMisses.append((paper, candidates))
                case .notFound:
                    try store.titleLookupFailed(paper.id, result: "not found")
                    failed.append((paper, "arXiv has no paper with this title"))
                }
            }
        }
        let waiting = try store.pendingLookups().count
        if output.json {
            Render.json(.object([
                "completed": .int(Int64(completed)),
                "failed": .array(failed.map { .object(["id": .string($0.0.id.lowercased), "reason": .string($0.1)]) }),
                "waiting": .int(Int64(waiting)),
                "unreachable": unreachable.map(JSONValue.string) ?? .null,
                "identified": .array(identified.map { .object(["id": .string($0.0.id.lowercased), "arxiv_id": .string($0.1)]) }),
                "near_misses": .array(nearMisses.map { paper, candidates in
                    .object(["id": .string(paper.id.lowercased), "candidates": .array(candidates.map { candidate in
                        .object(["arxiv_id": .string(candidate.draft.arxiv?.description ?? ""), "title": .string(candidate.draft.title),
                                 "title_similarity": .int(Int64((candidate.title * 100).rounded())),
                                 "abstract_similarity": candidate.abstract.map { .int(Int64(($0 * 100).rounded())) } ?? .null])
                    })])
                }),
            ]))
        } else {
            print("Refreshed \(completed) paper\(completed == 1 ? "" : "s"); \(failed.count) failed; \(waiting) still waiting for metadata.")
            for (paper, arxiv) in identified { print("  found by title: \(paper.displayTitle) is arXiv \(arxiv)") }
            for (paper, candidates) in nearMisses {
                print("  near miss, not merged: \(paper.displayTitle)")
                for candidate in candidates.prefix(3) { print("    \(candidate)") }
                if let first = candidates.first?.draft.arxiv { print("    if it is the same paper: `reader add \(first)` then `reader duplicates merge`") }
            }
            for (paper, reason) in failed { printError("  \(paper.displayTitle): \(reason)") }
        }
        if let unreachable {
            throw CLIError("could not reach \(unreachable); nothing else was changed. Run `reader refresh` again when online")
        }
    }
}
