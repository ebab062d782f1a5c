import Foundation
import Interchange
import Model
import Testing

@Suite("arXiv Atom feeds and Crossref works")
struct ArXivAtomTests {
    @Test func anArXivEntryGivesEveryFieldWithCategoriesPrimaryFirst() throws {
        let drafts = try ArXivAtom.parse(try repositoryText("Tests/Fixtures/http/arxiv-2405.21060.xml"), file: "feed.xml")
        #expect(drafts.count == 1)
        let d = try #require(drafts.first)
        #expect(d.title == "Transformers are SSMs: Generalized Models and Efficient Algorithms Through Structured State Space Duality")
        #expect(d.authors == ["Tri Dao", "Albert Gu"])
        #expect(d.arxiv == ArXivID("2405.21060v1"))
        #expect(d.doi == DOI("10.48550/arXiv.2405.21060"))
        #expect(d.published == "2024-05-31" && d.year == 2024)
        #expect(d.comment == "ICML 2024")
        #expect(d.venue == "Proceedings of the 41st International Conference on Machine Learning, PMLR 235, 2024")
        #expect(d.url == "http://arxiv.org/abs/2405.21060v1")
        #expect(d.pdfURL == "http://arxiv.org/pdf/2405.21060v1")
        #expect(d.categories == ["cs.LG"])
        #expect(d.abstract?.hasPrefix("While Transformers have been the main architecture behind deep learning's success") == true, "lines joined, &#39; decoded")
        #expect(d.abstract?.contains("\n") == false)
        let attention = try #require(try ArXivAtom.parse(try repositoryText("Tests/Fixtures/http/arxiv-1706.03762.xml"), file: "f").first)
        #expect(attention.categories == ["cs.CL", "cs.LG"])
        #expect(ImportFormat.detect(try repositoryText("Tests/Fixtures/http/arxiv-1706.03762.xml")) == .arxivAtom)
    }

    @Test func anErrorEntryIsAnErrorWithArXivsMessage() throws {
        let text = try repositoryText("Tests/Fixtures/http/arxiv-error.xml")
        #expect(throws: ImportError(file: "q.xml", line: 10, reason: "arXiv answered with an error: incorrect id format for 2405.9999999")) {
            try ArXivAtom.parse(text, file: "q.xml")
        }
        var skipped: [ImportError] = []
        #expect(try ArXivAtom.parse(text, file: "q.xml", skipping: { skipped.append($0) }).isEmpty)
        #expect(skipped.count == 1)
    }

    @Test func malformedXMLIsRefusedWithItsLine() {
        #expect(throws: ImportError(file: "bad.xml", line: 3, reason: "not well-formed XML: </title> does not close <entry>")) {
            try ArXivAtom.parse("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry>\n</title>\n</feed>", file: "bad.xml")
        }
        #expect(throws: ImportError(file: "bad.xml", line: 1, reason: "not well-formed XML: a bare '&' (write &amp;)")) {
            try ArXivAtom.parse("<feed><entry><title>A & B</title></entry></feed>", file: "bad.xml")
        }
        #expect(throws: ImportError(file: "x.xml", line: 1, reason: "expected an Atom <feed>, found <rss>")) {
            try ArXivAtom.parse("<rss/>", file: "x.xml")
        }
    }

    @Test func aCrossrefWorkGivesItsFieldsWithTheAbstractAsText() throws {
        let d = try CrossrefWork.parse(Data(try repositoryText("Tests/Fixtures/http/crossref-10.1145_3442188.3445922.json").utf8), file: "work.json")
        #expect(d.title == "On the Dangers of Stochastic Parrots: Can Language Models Be Too Big? 🦜")
        #expect(d.authors == ["Emily M. Bender", "Timnit Gebru", "Angelina McMillan-Major", "Shmargaret Shmitchell"])
        #expect(d.doi == DOI("10.1145/3442188.3445922"))
        #expect(d.year == 2021 && d.published == "2021-03")
        #expect(d.venue == "Proceedings of the 2021 ACM Conference on Fairness, Accountability, and Transparency")
        #expect(d.pdfURL == "https://dl.acm.org/doi/pdf/10.1145/3442188.3445922")
        #expect(d.abstract?.hasPrefix("The past 3 years of work in NLP") == true)
        #expect(d.abstract?.contains("<jats") == false)
        #expect(throws: ImportError(file: "w.json", line: nil, reason: "expected a Crossref response with a \"message\" object")) {
            try CrossrefWork.parse(Data("{\"status\":\"ok\"}".utf8), file: "w.json")
        }
    }
}
