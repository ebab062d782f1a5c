import Foundation
import Interchange
import Model
import Testing

/// BibTeX's `and others` ("et al.") read from every format and written to every format.
@Suite("Author lists that go on (and others, et al.)")
struct MoreAuthorsTests {
    func detail(_ draft: PaperDraft) -> PaperDetail {
        var values = draft.fieldValues
        values["cite_key"] = .string("k")
        return PaperDetail(paper: Paper(id: UUID(), values: values), tags: [])
    }

    func written<W: PaperWriter>(_ writer: W, _ detail: PaperDetail) -> String where W.Output == String {
        var writer = writer
        writer.write(detail, key: "k")
        return writer.finish()
    }

    @Test func bibtexAndOthersIsAMarkNotAnAuthor() throws {
        let draft = try #require(try BibTeX.parse("@book{k, title = {T}, author = {Yan, Weiwu and Guo, Pengju and others}, editor = {Li, Zukui and others}}", file: "a.bib").first)
        #expect(draft.authors == ["Weiwu Yan", "Pengju Guo"])
        #expect(draft.hasMoreAuthors)
        #expect(draft.latex["authors"] == nil, "the names and the mark write `and others` back")
        let paper = detail(draft)
        #expect(paper.paper.authorsForDisplay == ["Weiwu Yan", "Pengju Guo", "et al."])
        #expect(written(BibTeXExport(output: "", dialect: .bibtex), paper).contains("author = {Yan, Weiwu and Guo, Pengju and others}"))
        #expect(!(try #require(try BibTeX.parse("@book{k, title = {T}, author = {Yan, Weiwu and Others, Sam}}", file: "a.bib").first)).hasMoreAuthors,
                "a person called Others is a name")
    }

    @Test func cslWritesOthersAsPandocDoesAndReadsItBack() throws {
        let draft = try #require(try BibTeX.parse("@book{k, title = {T}, author = {Yan, Weiwu and others}, editor = {Li, Zukui and others}}", file: "a.bib").first)
        let csl = written(CSLJSONExport(output: ""), detail(draft))
        let items = try #require(try JSONSerialization.jsonObject(with: Data(csl.utf8)) as? [[String: Any]])
        let authors = try #require(items.first?["author"] as? [[String: String]])
        #expect(authors == [["family": "Yan", "given": "Weiwu"], ["literal": "others"]])
        #expect((items.first?["editor"] as? [[String: String]])?.last == ["literal": "others"])
        let back = try #require(try CSLJSON.parse(Data(csl.utf8), file: "out.json").first)
        #expect(back.authors == ["Weiwu Yan"] && back.hasMoreAuthors)
        #expect(back.bibFields["editor"] == "Li, Zukui and others")
        #expect(written(BibTeXExport(output: "", dialect: .bibtex), detail(back)).contains("author = {Yan, Weiwu and others}"))
    }

    @Test func risWritesEtAlAsTheLastAuthorAndReadsItBack() throws {
        let draft = try #require(try BibTeX.parse("@book{k, title = {T}, author = {Yan, Weiwu and others}, editor = {Li, Zukui and others}}", file: "a.bib").first)
        let ris = written(RISExport(output: ""), detail(draft))
        #expect(ris.contains("AU  - Yan, Weiwu\r\nAU  - et al.\r\n"))
        #expect(ris.contains("ED  - Li, Zukui\r\nED  - et al.\r\n"))
        let back = try #require(try RIS.parse(ris, file: "out.ris").first)
        #expect(back.authors == ["Weiwu Yan"] && back.hasMoreAuthors)
        #expect(back.bibFields["editor"] == "Li, Zukui and others")
        let plain = try #require(try RIS.parse("TY  - JOUR\r\nTI  - T\r\nAU  - Yan, Weiwu\r\nER  - \r\n", file: "a.ris").first)
        #expect(!plain.hasMoreAuthors)
    }

    @Test func markdownAndCSVListEtAl() throws {
        let draft = try #require(try BibTeX.parse("@book{k, title = {T}, author = {Yan, Weiwu and others}}", file: "a.bib").first)
        #expect(written(MarkdownExport(output: ""), detail(draft)).contains("Weiwu Yan, et al."))
        #expect(written(CSVExport(output: ""), detail(draft)).contains("Weiwu Yan; et al."))
    }
}
