import Interchange
import Model
import Testing

@Suite("Web of Science import")
struct WebOfScienceTests {
    /// rispy's recorded Web of Science export (two 2004 Biochemistry articles).
    @Test func aRecordedExportBecomesDraftsWithEveryBibliographicField() throws {
        let text = try repositoryText("Tests/Fixtures/corpus/rispy/example_wos.txt")
        #expect(ImportFormat.detect(text) == .webOfScience)
        let drafts = try WebOfScience.parse(text, file: "savedrecs.txt")
        #expect(drafts.count == 2)
        let first = drafts[0]
        // A title over two lines is one line; the authors are AF's, one per line.
        #expect(first.title == "Interactions stabilizing the structure of the core light-harvesting complex (LHl) of photosynthetic bacteria and its subunit (B820)")
        #expect(first.authors == ["PS Parkes-Loach", "AP Majeed", "CJ Law", "PA Loach"])
        #expect(first.authorNames.map(\.family) == ["Parkes-Loach", "Majeed", "Law", "Loach"])
        #expect(first.venue == "BIOCHEMISTRY")
        #expect(first.year == 2004)
        #expect(first.published == "2004-06-08")
        #expect(first.doi == DOI("10.1021/bi049798f"))
        #expect(first.pages == "7003–7016")
        #expect(first.workType == .articleJournal)
        #expect(first.bibFields["volume"] == "43")
        #expect(first.bibFields["number"] == "22")
        #expect(first.bibFields["publisher"] == "AMER CHEMICAL SOC")
        #expect(first.bibFields["issn"] == "0006-2960")
        #expect(first.bibFields["unique-id"] == "WOS:000221807500019")
        #expect(first.bibFields["pmid"] == "15170338")
        #expect(first.abstract?.hasPrefix("Reconstitution experiments with a chemically synthesized") == true)
        #expect(first.line == 3)
        // The citing data is not the work's.
        #expect(!first.bibFields.keys.contains { ["cr", "tc", "nr", "references"].contains($0) })
        #expect(drafts[1].authors.count == 9)
        #expect(drafts[1].line == 112)
    }

    @Test func kindsOfWorkComeFromPTAndDT() throws {
        let text = """
            FN Clarivate Analytics Web of Science
            VR 1.0
            PT S
            AU Smith, J
            TI A paper at a meeting
            SO LECTURE NOTES IN COMPUTER SCIENCE
            DT Proceedings Paper
            PY 2019
            PD SPR
            AR 012034
            ER

            PT B
            AU Doe, Jane
            BE Editor, Ed
            TI A book
            PY 2020
            ER

            EF
            """
        let drafts = try WebOfScience.parse(text, file: "savedrecs.txt")
        #expect(drafts.map(\.workType) == [.paperConference, .book])
        #expect(drafts[0].published == "2019")
        #expect(drafts[0].pages == "012034")
        #expect(drafts[1].bibFields["editor"] == "Editor, Ed")
    }

    @Test func brokenRecordsAreReportedAtTheirLine() {
        #expect(throws: ImportError(file: "w.txt", line: 1, reason: "the record has no ER line")) {
            try WebOfScience.parse("PT J\nTI Cut short\n", file: "w.txt")
        }
        #expect(throws: ImportError(file: "w.txt", line: 3, reason: "expected a tagged line such as 'PT J' (two letters, a space, the value)")) {
            try WebOfScience.parse("PT J\nTI A\nthis is not a tag\nER\n", file: "w.txt")
        }
        #expect(throws: ImportError(file: "w.txt", line: 4, reason: "the record has no title (TI) or DOI (DI)")) {
            try WebOfScience.parse("PT J\nTI A\nER\nPT J\nPY 2020\nER\n", file: "w.txt")
        }
    }

    @Test func neitherRISNorBibTeXIsTakenForIt() {
        #expect(!WebOfScience.looksLikeWebOfScience("TY  - JOUR\nTI  - A\nER  - \n"))
        #expect(!WebOfScience.looksLikeWebOfScience("@article{a, title={PT J}}"))
        #expect(!WebOfScience.looksLikeWebOfScience("PT J\nTI A paper title pasted into a listing\n"))
    }
}
