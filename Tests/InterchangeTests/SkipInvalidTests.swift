import Foundation
import Interchange
import Model
import Testing

@Suite("Skipping invalid records")
struct SkipInvalidTests {
    @Test func bibtexGoesOnAfterABadEntryAndReportsEachLine() throws {
        let text = """
            @article{one, title = {First}}
            @article{two, title = {Unclosed, year = 2020
            @article{three, title = {Third}}
            @misc{four, note = {no title}}
            @article{five, title = {Fifth}, booktitle = undefinedmacro}
            @article{six, title = {Sixth}}
            """
        var skipped: [ImportError] = []
        let drafts = try BibTeX.parse(text, file: "s.bib") { skipped.append($0) }
        #expect(drafts.map(\.title) == ["First", "Third", "Sixth"])
        #expect(skipped == [
            ImportError(file: "s.bib", line: 2, reason: "unbalanced braces: the value of field 'title' of @article{two} is not closed before the entry at line 3"),
            ImportError(file: "s.bib", line: 5, reason: "unknown @string 'undefinedmacro'"),
            ImportError(file: "s.bib", line: 4, reason: "@misc{four} has no title, DOI or arXiv id"),
        ])
    }

    @Test func risListingAndJSONFormatsSkipTheirBadRecords() throws {
        var skipped: [ImportError] = []
        let ris = try RIS.parse("TY  - JOUR\nTI  - Good\nER  - \nTY  - JOUR\nPY  - 2020\nER  - \nTY  - JOUR\nTI  - Also good\nER  - \n", file: "r.ris", problems: ImportProblems(skipping: { skipped.append($0) }))
        #expect(ris.map(\.title) == ["Good", "Also good"])
        #expect(skipped.map(\.line) == [4])

        skipped = []
        let abstract = String(repeating: "A sentence of an abstract. ", count: 10)
        let listing = try PapersListing.parse("Title one\n\n\(abstract)\n\n\(abstract)\n\nTitle two\n\n\(abstract)\n", file: "l.txt") { skipped.append($0) }
        #expect(listing.map(\.title) == ["Title one", "Title two"])
        #expect(skipped.map(\.line) == [5])

        skipped = []
        let csl = try CSLJSON.parse(Data(#"[{"type":"book","title":"Kept"},{"type":"book"},3]"#.utf8), file: "c.json", problems: ImportProblems(skipping: { skipped.append($0) }))
        #expect(csl.map(\.title) == ["Kept"])
        #expect(skipped.map(\.reason) == ["item 2: no title, DOI or arXiv id", "item 3: expected an object"])
    }
}
