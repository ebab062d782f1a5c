import Foundation
import Interchange
import Model
import Testing
import TestSupport

/// The thresholds of ``TitleLookupMatch``, measured on the real abstracts of the
/// bundled listing (pasted from Hugging Face, the same text arXiv serves).
@Suite("Finding a paper by its title")
struct TitleLookupMatchTests {
    static let papers: [PaperDraft] = {
        let url = repositoryRoot.appendingPathComponent("Examples/trending-papers.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return ((try? PapersListing.parse(text, file: url.path)) ?? []).filter { !($0.abstract ?? "").isEmpty }
    }()

    /// An abstract as arXiv's API lays it out: lines of at most 80 columns, each
    /// continuation indented by two spaces.
    static func arxivLayout(_ text: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > 78, !line.isEmpty { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n  ")
    }

    /// A revised abstract, as a later arXiv version often has: its last sentence
    /// replaced by another.
    static func revised(_ text: String) -> String {
        var sentences = text.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        if sentences.count > 2 { sentences.removeLast() }
        return sentences.joined(separator: ".") + ". Accepted at a conference; the code and the data are released."
    }

    /// Prints the measured figures; fails if the thresholds no longer separate them.
    @Test func theThresholdsSeparateTheSamePaperFromOthersOnRealAbstracts() {
        let papers = Self.papers
        #expect(papers.count == 97)
        var sameLayout = 1.0, sameRevised = 1.0, others = 0.0, otherTitles = 0.0
        var closest = ("", "")
        for paper in papers {
            let abstract = paper.abstract ?? ""
            sameLayout = min(sameLayout, TitleLookupMatch.similarity(abstract, Self.arxivLayout(abstract)))
            sameRevised = min(sameRevised, TitleLookupMatch.similarity(abstract, Self.revised(abstract)))
        }
        for (i, a) in papers.enumerated() {
            for b in papers[(i + 1)...] {
                let score = TitleLookupMatch.similarity(a.abstract ?? "", b.abstract ?? "")
                if score > others { others = score; closest = (a.title, b.title) }
                otherTitles = max(otherTitles, TitleLookupMatch.similarity(a.title, b.title))
            }
        }
        print("abstract similarity: same paper in arXiv's layout ≥ \(sameLayout), revised ≥ \(String(format: "%.3f", sameRevised)); two different papers ≤ \(String(format: "%.3f", others)) (\(closest.0) / \(closest.1)); titles of different papers ≤ \(String(format: "%.3f", otherTitles))")
        #expect(sameLayout == 1)
        #expect(sameRevised >= TitleLookupMatch.abstractThreshold, "a revised abstract is still the paper")
        #expect(others < TitleLookupMatch.abstractThreshold - 0.2, "different papers stay far below the threshold")
        #expect(otherTitles < TitleLookupMatch.titleThreshold)
    }

    @Test func twoPapersWithTheSameTitleAreToldApartByTheirAbstracts() throws {
        let papers = Self.papers
        let paper = papers[0], other = papers[1]
        let same = TitleLookupMatch.judge(title: paper.title, abstract: paper.abstract, candidateTitle: paper.title.uppercased(),
                                          candidateAbstract: Self.arxivLayout(paper.abstract ?? ""))
        guard case .accept = same else { Issue.record("\(same)"); return }
        let namesake = TitleLookupMatch.judge(title: paper.title, abstract: paper.abstract, candidateTitle: paper.title, candidateAbstract: other.abstract)
        guard case .nearMiss(let title, let abstract) = namesake else { Issue.record("\(namesake)"); return }
        #expect(title == 1 && (abstract ?? 1) < TitleLookupMatch.abstractThreshold)
        // Without an abstract to compare, a title alone is a near miss, never a match.
        guard case .nearMiss(_, nil) = TitleLookupMatch.judge(title: paper.title, abstract: nil, candidateTitle: paper.title, candidateAbstract: paper.abstract) else {
            Issue.record("a title alone was accepted"); return
        }
        #expect(TitleLookupMatch.judge(title: paper.title, abstract: paper.abstract, candidateTitle: other.title, candidateAbstract: other.abstract) == .unrelated)
    }
}
