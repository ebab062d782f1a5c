import Foundation
import Interchange
import Model
import Testing

@Suite("Hugging Face daily papers")
struct DailyPapersTests {
    @Test func entriesBecomeDraftsWithArXivIDsAuthorsAndCode() throws {
        let text = try repositoryText("Tests/Fixtures/hf-daily-papers.json")
        #expect(ImportFormat.detect(text) == .hfDaily)
        let drafts = try DailyPapers.parse(Data(text.utf8), file: "hf-daily-papers.json")
        #expect(drafts.count == 2)
        #expect(drafts[0].arxiv == ArXivID("2405.21060"))
        #expect(drafts[0].title == "Transformers are SSMs: Generalized Models and Efficient Algorithms Through Structured State Space Duality")
        #expect(drafts[0].authors == ["Tri Dao", "Albert Gu"])
        #expect(drafts[0].abstract?.hasPrefix("While Transformers have been the main architecture behind deep learning's success in language modeling, state-space models") == true)
        #expect(drafts[0].published == "2024-05-31" && drafts[0].year == 2024)
        #expect(drafts[0].codeURL == "https://github.com/state-spaces/mamba")
        #expect(drafts[0].pdfURL == "https://arxiv.org/pdf/2405.21060")
        #expect(drafts[0].source == "hf-daily:hf-daily-papers.json")
        #expect(drafts[1].arxiv == ArXivID("2406.00001v2"))
        #expect(drafts[1].authors == ["Zoë Ångström"], "blank names are dropped")
        #expect(drafts[1].url == "https://example.org/project")
    }

    @Test func malformedEntriesAreNamed() {
        #expect(throws: ImportError(file: "d.json", line: nil, reason: "entry 2: \"paper.id\" is not an arXiv id")) {
            try DailyPapers.parse(Data(#"[{"paper":{"id":"2405.21060","title":"T"}},{"paper":{"id":"abc","title":"T"}}]"#.utf8), file: "d.json")
        }
        #expect(throws: ImportError(file: "d.json", line: nil, reason: "entry 1: paper 2405.21060 has no title")) {
            try DailyPapers.parse(Data(#"[{"paper":{"id":"2405.21060"}}]"#.utf8), file: "d.json")
        }
        #expect(throws: ImportError(file: "d.json", line: nil, reason: "expected a JSON array of daily papers entries")) {
            try DailyPapers.parse(Data(#"{"paper":{}}"#.utf8), file: "d.json")
        }
    }
}
