import Interchange
import Model
import Testing

@Suite("RIS import")
struct RISTests {
    @Test func recordsWithContinuationLinesAndCRLFBecomeDrafts() throws {
        let text = try repositoryText("Tests/Fixtures/export.ris")
        #expect(ImportFormat.detect(text) == .ris)
        let drafts = try RIS.parse(text, file: "export.ris")
        #expect(drafts.count == 2)
        #expect(drafts[0].title == "Über formal unentscheidbare Sätze der Principia Mathematica und verwandter Systeme I")
        #expect(drafts[0].authors == ["Kurt Gödel"])
        #expect(drafts[0].venue == "Monatshefte für Mathematik und Physik")
        #expect(drafts[0].published == "1931-12-01")
        #expect(drafts[0].doi == DOI("10.1007/BF01700692"))
        #expect(drafts[0].line == 1)
        #expect(drafts[1].authors == ["Ashish Vaswani", "Noam Shazeer"])
        #expect(drafts[1].arxiv == ArXivID("1706.03762"))
        #expect(drafts[1].abstract == "The dominant sequence transduction models are based on complex recurrent or convolutional neural networks.")
        #expect(drafts[1].line == 12)
    }

    @Test func brokenRecordsAreReportedAtTheirLine() {
        #expect(throws: ImportError(file: "r.ris", line: 1, reason: "the record has no ER line")) {
            try RIS.parse("TY  - JOUR\nTI  - Cut short\n", file: "r.ris")
        }
        #expect(throws: ImportError(file: "r.ris", line: 1, reason: "the record has no ER line before the next TY")) {
            try RIS.parse("TY  - JOUR\nTI  - A\nTY  - JOUR\nTI  - B\nER  - \n", file: "r.ris")
        }
        #expect(throws: ImportError(file: "r.ris", line: 4, reason: "the record has no title (TI), DOI (DO) or arXiv URL")) {
            try RIS.parse("TY  - JOUR\nTI  - A\nER  - \nTY  - JOUR\nPY  - 2020\nER  - \n", file: "r.ris")
        }
    }

    @Test func recordsNumberedOnTheirOwnLineAreReadAsOvidWritesThem() throws {
        let text = """
            1.
            TY  - JOUR
            TI  - Deep learning
            AU  - LeCun, Yann
            PY  - 2015
            ER  - \n
            2.
            TY  - JOUR
            TI  - Information theory and statistics
            AU  - Kullback, Solomon
            ER  - \n
            """
        #expect(ImportFormat.detect(text) == .ris)
        let drafts = try RIS.parse(text, file: "ovid.ris")
        #expect(drafts.map(\.title) == ["Deep learning", "Information theory and statistics"])
        #expect(drafts.map(\.line) == [2, 9])
        // A database's header between records (rispy's test data) is skipped too.
        let headed = "Record #1 of 2\nProvider: Provider\nContent: text/plain; charset=\"UTF-8\"\n1.\nTY  - JOUR\nT1  - Title of reference\nER  - \n\nRecord #2 of 2\n2.\nTY  - JOUR\nT1  - Another\nER  - \n"
        #expect(ImportFormat.detect(headed) == .ris)
        #expect(try RIS.parse(headed, file: "db.ris").map(\.title) == ["Title of reference", "Another"])
        // A number inside a record is not skipped: it continues the field above it.
        #expect(try RIS.parse("TY  - JOUR\nTI  - Part\n2\nER  - \n", file: "r.ris").first?.title == "Part 2")
    }

    @Test func aRecordWithoutTitleIsKeptWithAWarningUnlessStrict() throws {
        var warnings: [ImportError] = []
        let drafts = try RIS.parse("TY  - JOUR\nN2  - first line\nER  - \n", file: "r.ris", problems: ImportProblems(warning: { warnings.append($0) }))
        #expect(drafts.map(\.abstract) == ["first line"])
        #expect(warnings == [ImportError(file: "r.ris", line: 1, reason: "the record has no title (TI), DOI (DO) or arXiv URL")])
    }
}
