import Foundation
import Interchange
import Model
import Storage

/// Gives a paper without identifiers (pasted from a listing, typed by title) its
/// arXiv id: arXiv is searched by the title, then (when arXiv has no match)
/// Hugging Face's papers search where it can be reached, and a candidate is taken
/// only when its title and its abstract both match (``Model/TitleLookupMatch``). A
/// candidate that comes close is reported, never merged.
public struct TitleLookup: Sendable {
    /// The metadata client (its arXiv service and pacing).
    public let client: MetadataClient

    /// A lookup through `client`.
    public init(client: MetadataClient) { self.client = client }

    /// What a search by title found.
    public enum Outcome: Sendable {
        /// The paper, as arXiv describes it.
        case identified(PaperDraft, title: Double, abstract: Double)
        /// Candidates that came close without matching, best first.
        case nearMisses([NearMiss])
        /// Nothing like it.
        case notFound
    }

    /// A candidate that came close.
    public struct NearMiss: Sendable, CustomStringConvertible {
        /// The candidate.
        public var draft: PaperDraft
        /// How alike the titles are (0...1).
        public var title: Double
        /// How alike the abstracts are, when both have one.
        public var abstract: Double?

        /// `arXiv 2401.09516 "Title" (title 1.00, abstract 0.41 alike)`.
        public var description: String {
            let id = draft.arxiv.map { "arXiv \($0)" } ?? "a candidate"
            let abstractText = abstract.map { String(format: "abstract %.2f", $0) } ?? "no abstract to compare"
            return "\(id) \"\(draft.title)\" (title \(String(format: "%.2f", title)), \(abstractText) alike)"
        }
    }

    /// Searches arXiv for the paper's title and judges every candidate; asks Hugging
    /// Face when arXiv has no match (its failures are not the lookup's: arXiv answered).
    public func identify(_ paper: Paper) async throws(LookupError) -> Outcome {
        let fromArXiv = judge(paper, try await client.arxiv(title: paper.title))
        if case .identified = fromArXiv { return fromArXiv }
        guard let fromHuggingFace = try? await client.huggingFace(title: paper.title) else { return fromArXiv }
        switch (fromArXiv, judge(paper, fromHuggingFace)) {
        case (_, .identified(let draft, let title, let abstract)): return .identified(draft, title: title, abstract: abstract)
        case (.nearMisses(let first), .nearMisses(let second)):
            var seen = Set<String>()
            return .nearMisses((first + second).filter { seen.insert($0.draft.arxiv?.id ?? $0.draft.title).inserted })
        case (.notFound, let other): return other
        case (let arxiv, _): return arxiv
        }
    }

    /// The best candidate that matches, else those that came close.
    func judge(_ paper: Paper, _ candidates: [PaperDraft]) -> Outcome {
        var best: (PaperDraft, Double, Double)?
        var near: [NearMiss] = []
        for candidate in candidates where candidate.arxiv != nil {
            switch TitleLookupMatch.judge(title: paper.title, abstract: paper.abstract, candidateTitle: candidate.title, candidateAbstract: candidate.abstract) {
            case .accept(let title, let abstract):
                if best == nil || abstract > best?.2 ?? 0 { best = (candidate, title, abstract) }
            case .nearMiss(let title, let abstract):
                near.append(NearMiss(draft: candidate, title: title, abstract: abstract))
            case .unrelated:
                break
            }
        }
        if let best { return .identified(best.0, title: best.1, abstract: best.2) }
        if !near.isEmpty { return .nearMisses(near.sorted { ($0.abstract ?? 0, $0.title) > ($1.abstract ?? 0, $1.title) }) }
        return .notFound
    }
}
