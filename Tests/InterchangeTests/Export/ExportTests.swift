import Foundation
import Interchange
import Model
import Testing

@Suite("Markdown and CSV export")
struct ExportTests {
    func detail() -> PaperDetail {
        var paper = Paper(id: UUID(uuidString: "11111111-2222-5333-8444-555555555555")!, title: "*-Divergence [v2]: a_b", authors: ["Ada Lovelace", "Grace Hopper"],
                          abstract: "An abstract, with \"quotes\"\nand a line break.", year: 2024, arxiv: ArXivID("2405.12345v2"),
                          addedAt: Date(timeIntervalSince1970: 1_700_000_000), status: .read, rating: 4)
        paper.codeURL = "https://github.com/a/b"
        let note = Note(id: UUID(), paperID: paper.id, body: "My **note**", createdAt: Date(), updatedAt: Date())
        let highlight = Highlight(id: UUID(), paperID: paper.id, text: "a quoted\npassage", page: 3, comment: "why", createdAt: Date(), updatedAt: Date())
        return PaperDetail(paper: paper, tags: [try! TagName("ml")], notes: [note], highlights: [highlight])
    }

    @Test func markdownShowsEverythingWithTitleSyntaxEscaped() {
        var export = MarkdownExport(output: "")
        export.section(.read, count: 1)
        export.write(detail())
        let text = export.finish()
        #expect(text.contains("## Read (1)"))
        #expect(text.contains(#"### [\*-Divergence \[v2\]: a\_b](https://arxiv.org/abs/2405.12345v2)"#))
        #expect(text.contains("Ada Lovelace, Grace Hopper · 2024 · arXiv:2405.12345v2 · [code](https://github.com/a/b)"))
        #expect(text.contains("Tags: `ml` · Rating: ★★★★☆"))
        #expect(text.contains("#### Notes\n\nMy **note**"))
        #expect(text.contains("> a quoted\n> passage\n>\n> — p. 3\n\nwhy"))
    }

    @Test func csvQuotesFieldsWithCommasQuotesAndLineBreaks() {
        var export = CSVExport(output: "")
        export.write(detail())
        let text = export.finish()
        let header = CSVExport<String>.columns.joined(separator: ",") + "\r\n"
        let row = "11111111-2222-5333-8444-555555555555,*-Divergence [v2]: a_b,Ada Lovelace; Grace Hopper,2024,,,2405.12345v2,,,,https://github.com/a/b,"
            + "read,4,,2023-11-14T22:13:20.000Z,ml,1,1,,\"An abstract, with \"\"quotes\"\"\nand a line break.\"\r\n"
        #expect(text == header + row)
    }
}
