import Foundation
import Model
import Testing
@testable import Interchange

/// `crossref`, `@xdata` and BibLaTeX's dates are read as biber reads them.
@Suite("Crossref, xdata and dates")
struct InheritanceTests {
    @Test func aChildInheritsWhatItLacksFromItsCrossrefParent() throws {
        var warnings: [ImportError] = []
        let drafts = try BibTeX.parse("""
            @inproceedings{child, title = {A Paper}, author = {Smith, Jane}, pages = {1--10}, crossref = {proc}}
            @proceedings{proc, title = {Proc. of {ICML}}, year = 2023, publisher = {PMLR}, volume = {202}, pages = {1--999}}
            @inproceedings{orphan, title = {Lost Parent}, crossref = {nowhere}}
            """, file: "c.bib", problems: ImportProblems(warning: { warnings.append($0) }))
        let child = try #require(drafts.first)
        #expect(child.venue == "Proc. of ICML" && child.latex["venue"] == "Proc. of {ICML}", "the parent's title is the child's booktitle")
        #expect(child.year == 2023 && child.bibFields["publisher"] == "PMLR" && child.bibFields["volume"] == "202")
        #expect(child.pages == "1–10", "the child keeps its own value")
        #expect(child.bibFields["crossref"] == nil, "resolved: the entry holds what it inherited")
        #expect(drafts.count == 3, "the parent is a work of its own too")
        #expect(warnings == [ImportError(file: "c.bib", line: 3, reason: "@inproceedings{orphan} has crossref 'nowhere', which the file does not have")])
    }

    @Test func xdataFieldsAreSharedAndXdataEntriesAreNotWorks() throws {
        let drafts = try BibTeX.parse("""
            @xdata{springer, publisher = {Springer}, location = {Berlin}}
            @book{a, title = {One}, author = {Doe, John}, xdata = {springer}, year = 2010}
            @book{b, title = {Two}, author = {Roe, Jane}, xdata = {springer}, location = {Heidelberg}, year = 2011}
            """, file: "x.bib")
        #expect(drafts.map(\.title) == ["One", "Two"])
        #expect(drafts.map { $0.bibFields["publisher"] } == ["Springer", "Springer"])
        #expect(drafts.map { $0.bibFields["location"] } == ["Berlin", "Heidelberg"])
    }

    @Test func aCrossrefLoopEnds() throws {
        let drafts = try BibTeX.parse("""
            @book{a, title = {A}, crossref = {b}, note = {from a}}
            @book{b, title = {B}, crossref = {a}, series = {from b}}
            """, file: "loop.bib")
        #expect(drafts.count == 2)
        #expect(drafts[0].bibFields["series"] == "from b" && drafts[1].bibFields["note"] == "from a")
    }

    @Test func anEDTFDateIsKeptAsWrittenAndItsYearRead() throws {
        let drafts = try BibTeX.parse("""
            @book{range, title = {Range}, date = {2012-22/2012-23}}
            @book{plain, title = {Plain}, date = {2012-05-30}}
            @book{bce, title = {Caesar}, date = {-0044}}
            """, file: "d.bib")
        #expect(drafts[0].year == 2012 && drafts[0].published == "2012" && drafts[0].bibFields["date"] == "2012-22/2012-23")
        #expect(drafts[1].published == "2012-05-30" && drafts[1].bibFields["date"] == nil)
        #expect(drafts[2].year == nil && drafts[2].bibFields["date"] == "-0044")
        var values = drafts[0].fieldValues
        values["cite_key"] = .string("range")
        var export = BibTeXExport(output: "", dialect: .biblatex)
        export.write(PaperDetail(paper: Paper(id: UUID(), values: values), tags: []), key: "range")
        #expect(export.finish().contains("date = {2012-22/2012-23}"))
    }

    @Test func aYearOrMonthThatSaysMoreThanANumberIsWrittenBackAsWritten() throws {
        let drafts = try BibTeX.parse(#"""
            @book{a, title = {A}, year = "{\noopsort{1973b}}1973", month = "10~" # jan}
            @book{b, title = {B}, year = 1986, month = apr # "-" # may}
            @book{c, title = {C}, year = 1990, month = may}
            @techreport{d, title = {D}, year = {January 1978}}
            """#, file: "y.bib")
        #expect(drafts.map(\.year) == [1973, 1986, 1990, 1978])
        #expect(drafts[3].bibFields["year"] == "January 1978", "the year as written goes back out")
        #expect(drafts[0].bibFields["year"] == #"{\noopsort{1973b}}1973"# && drafts[0].bibFields["month"] == "10~January")
        #expect(drafts[1].bibFields["month"] == "April-May" && drafts[1].bibFields["year"] == nil)
        #expect(drafts[2].bibFields["month"] == nil && drafts[2].published == "1990-05")
        var values = drafts[0].fieldValues
        values["cite_key"] = .string("a")
        var export = BibTeXExport(output: "", dialect: .bibtex)
        export.write(PaperDetail(paper: Paper(id: UUID(), values: values), tags: []), key: "a")
        let out = export.finish()
        #expect(out.contains(#"year = {{\noopsort{1973b}}1973}"#) && out.contains("month = {10~January}"), "\(out)")
    }
}
