import Interchange
import Model
import Testing

@Suite("Pasted papers listing")
struct PapersListingTests {
    @Test func theBundledSeedListingHas97PapersWithTitlesAbstractsAndLines() throws {
        let drafts = try PapersListing.parse(try repositoryText("Examples/trending-papers.txt"), file: "trending-papers.txt")
        #expect(drafts.count == 97)
        #expect(drafts.first?.title == "Accelerating Data Generation for Neural Operators via Krylov Subspace Recycling")
        #expect(drafts.first?.line == 11)
        #expect(drafts.first?.abstract?.hasPrefix("Learning neural operators for solving") == true)
        #expect(drafts.last?.title == "Sirius: Contextual Sparsity with Correction for Efficient LLMs")
        #expect(drafts.allSatisfy { !$0.title.isEmpty && ($0.abstract?.count ?? 0) > 200 })
        #expect(drafts.allSatisfy { $0.source == "listing:trending-papers.txt" })
        #expect(Set(drafts.map(\.title)).count == 97)
    }

    @Test func codeLinksInAbstractsBecomeCodeURLs() throws {
        let drafts = try PapersListing.parse(try repositoryText("Examples/trending-papers.txt"), file: "x")
        let byTitle = Dictionary(drafts.map { ($0.title, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byTitle["Sirius: Contextual Sparsity with Correction for Efficient LLMs"]?.codeURL == "https://github.com/Infini-AI-Lab/Sirius")
        #expect(byTitle["HDFlow: Enhancing LLM Complex Problem-Solving with Hybrid Thinking and Dynamic Workflows"]?.codeURL == "https://github.com/wenlinyao/HDFlow")
        #expect(byTitle["Solving High Frequency and Multi-Scale PDEs with Gaussian Processes"]?.codeURL == "https://github.com/xuangu-fang/Gaussian-Process-Slover-for-High-Freq-PDE")
        // A project page on github.io is not code.
        #expect(byTitle["Optima: Optimizing Effectiveness and Efficiency for LLM-Based Multi-Agent System"]?.codeURL == nil)
        #expect(drafts.filter { $0.codeURL != nil }.count == 17)
    }

    static let abstract = String(repeating: "This abstract is long enough to be read as one. ", count: 8)

    @Test func anAbstractWithoutTitleIsReportedAtItsLine() {
        let text = "Header\n\nTitle one\n\n\(Self.abstract)\n\n\(Self.abstract)\n"
        #expect(throws: ImportError(file: "f.txt", line: 7, reason: "expected a paper title, found a 383-character paragraph; is the title of this abstract missing?")) {
            try PapersListing.parse(text, file: "f.txt")
        }
    }

    @Test func aTitleWithoutAbstractIsReportedAtItsLine() {
        let missingInMiddle = "Title one\n\n\(Self.abstract)\n\nTitle two\n\nTitle three\n\n\(Self.abstract)\n"
        #expect(throws: ImportError(file: "f.txt", line: 5, reason: "the title 'Title two' has no abstract: the next paragraph (line 7) looks like another title")) {
            try PapersListing.parse(missingInMiddle, file: "f.txt")
        }
        let missingAtEnd = "Title one\n\n\(Self.abstract)\n\nLast title\n"
        #expect(throws: ImportError(file: "f.txt", line: 5, reason: "the title 'Last title' has no abstract after it")) {
            try PapersListing.parse(missingAtEnd, file: "f.txt")
        }
    }

    @Test func textWithoutPapersIsRefused() {
        #expect(throws: ImportError.self) { try PapersListing.parse("", file: "e") }
        #expect(throws: ImportError.self) { try PapersListing.parse("just\n\nsome\n\nshort lines\n", file: "e") }
        #expect(ImportFormat.detect("just a line") == nil)
    }

    @Test func windowsLineEndsAndWrappedAbstractsAreRead() throws {
        let text = "Title one\r\n\r\nFirst half of the abstract,\r\nsecond half \(Self.abstract)\r\n"
        let drafts = try PapersListing.parse(text, file: "w")
        #expect(drafts.count == 1)
        #expect(drafts[0].abstract?.hasPrefix("First half of the abstract, second half") == true)
    }

    @Test func codeLinksAreCleanedOfPunctuation() {
        #expect(CodeLinks.all(in: "see \\url{https://github.com/a/b.} and (https://gitlab.com/c/d.git), https://example.org/x") == ["https://github.com/a/b", "https://gitlab.com/c/d"])
    }
}
