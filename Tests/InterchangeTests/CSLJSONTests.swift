import Foundation
import Interchange
import Model
import Testing

@Suite("CSL-JSON import")
struct CSLJSONTests {
    @Test func aZoteroExportBecomesDrafts() throws {
        let text = try repositoryText("Tests/Fixtures/zotero.csl.json")
        #expect(ImportFormat.detect(text) == .csl)
        let drafts = try CSLJSON.parse(Data(text.utf8), file: "zotero.csl.json")
        #expect(drafts.count == 3)
        #expect(drafts[0].title == "Attention Is All You Need")
        #expect(drafts[0].authors == ["Ashish Vaswani", "Noam Shazeer", "Google Brain"])
        #expect(drafts[0].arxiv == ArXivID("1706.03762"))
        #expect(drafts[0].published == "2017-12-05" && drafts[0].year == 2017)
        #expect(drafts[0].venue == nil)
        #expect(drafts[1].venue == "Monatshefte für Mathematik und Physik")
        #expect(drafts[1].doi == DOI("10.1007/bf01700692"))
        #expect(drafts[1].published == "1931")
        #expect(drafts[1].arxiv == nil)
        #expect(drafts[2].authors == ["Johannes Diderik van der Waals"])
        #expect(drafts[2].year == 1873)
        #expect(drafts.allSatisfy { $0.source == "csl-json:zotero.csl.json" })
    }

    @Test func aSingleItemAndArXivDOIsAreRead() throws {
        let item = #"{"type":"article","title":"T","DOI":"10.48550/arXiv.2405.12345","issued":{"date-parts":[[2024,5]]}}"#
        let drafts = try CSLJSON.parse(Data(item.utf8), file: "one.json")
        #expect(drafts.map(\.arxiv) == [ArXivID("2405.12345")])
        #expect(drafts.first?.published == "2024-05")
    }

    @Test func badItemsAreNamed() {
        #expect(throws: ImportError(file: "c.json", line: nil, reason: "item 2 (x): no title, DOI or arXiv id")) {
            try CSLJSON.parse(Data(#"[{"type":"book","title":"Fine"},{"id":"x","type":"book"}]"#.utf8), file: "c.json")
        }
        #expect(throws: ImportError(file: "c.json", line: nil, reason: "item 1: expected an object")) {
            try CSLJSON.parse(Data("[3]".utf8), file: "c.json")
        }
    }

    @Test func crossrefsListsAndFractionsAreRead() throws {
        // As Crossref serves CSL-JSON (Manubot's test data): lists, and `"score": 1.0`.
        let item = #"{"type":"article-journal","title":["Opportunities"],"ISSN":["1742-5689","1742-5662"],"score":1.0,"issued":{"date-parts":[[2018,4]]}}"#
        let draft = try #require(try CSLJSON.parse(Data(item.utf8), file: "crossref.json").first)
        #expect(draft.title == "Opportunities")
        #expect(draft.bibFields["issn"] == "1742-5689; 1742-5662")
    }

    @Test func anItemWithoutTitleIsKeptWithAWarningUnlessStrict() throws {
        var warnings: [ImportError] = []
        let drafts = try CSLJSON.parse(Data(#"[{"id":"x","type":"book","issued":{"date-parts":[[2020]]}}]"#.utf8), file: "c.json",
                                       problems: ImportProblems(warning: { warnings.append($0) }))
        #expect(drafts.map(\.year) == [2020])
        #expect(warnings == [ImportError(file: "c.json", line: nil, reason: "item 1 (x): no title, DOI or arXiv id")])
    }
}
