import Foundation
import Interchange
import Model
import Testing

@Suite("BibTeX, BibLaTeX, CSL-JSON and RIS export")
struct BibliographyExportTests {
    func preprint() -> PaperDetail {
        let paper = Paper(id: UUID(uuidString: "11111111-2222-5333-8444-555555555555")!,
                          title: "$f$-Divergence for BERT: 50% & more_{x}", authors: ["Ludwig van Beethoven", "Martin Luther King Jr.", "Plato"],
                          abstract: "Line one\nline two.", published: "2024-05-30", year: 2024, arxiv: ArXivID("2405.12345v2"),
                          pdfURL: "https://arxiv.org/pdf/2405.12345v2", addedAt: Date(timeIntervalSince1970: 0),
                          citeKey: "beethoven2024divergence", categories: ["cs.LG", "stat.ML"])
        return PaperDetail(paper: paper, tags: [try! TagName("ml"), try! TagName("to-cite")])
    }

    @Test func latexSpecialsAreEscapedAndSafeMathIsKept() {
        #expect(LaTeX.escape("100% of $f$-Divergence & {sets}") == #"100\% of $f$-Divergence \& \textbraceleft{}sets\textbraceright{}"#)
        #expect(LaTeX.escape(#"a_b #1 ~x ^y \z"#) == ##"a\_b \#1 \textasciitilde{}x \textasciicircum{}y \textbackslash{}z"##)
        #expect(LaTeX.escape("--help and ''quoted''") == "-{}-help and '{}'quoted'{}'")
        #expect(LaTeX.escape("costs $5 or $x%$") == #"costs \$5 or \$x\%\$"#)
        #expect(LaTeX.escape("BERT and GPT-4 in $\\mathcal{L}$", protectingCase: true) == "{BERT} and {GPT-4} in $\\mathcal{L}$")
        for text in ["a $b$ c", "{}{{}", "\\\\$", "$$x$$", "--- ``a'' ~ ^ \\{"] {
            #expect(LaTeX.toUnicode(LaTeX.escape(text, protectingCase: true)) == text)
        }
    }

    @Test func pageRangesGoInAndOutOfEveryBibliographicFormat() throws {
        let bib = try BibTeX.parse("@article{k, title = {T}, author = {Doe, Jane}, journal = {J}, year = {2017}, pages = {5998--6008}}", file: "a.bib")
        #expect(bib.map(\.pages) == ["5998–6008"])
        var detail = preprint()
        detail.paper.pages = "5998–6008"

        var bibtex = BibTeXExport(output: "", dialect: .bibtex)
        bibtex.write(detail, key: "k")
        let bibtexText = bibtex.finish()
        #expect(bibtexText.contains("  pages = {5998--6008},\n"))
        #expect(try BibTeX.parse(bibtexText, file: "out.bib").map(\.pages) == ["5998–6008"])

        var csl = CSLJSONExport(output: "")
        csl.write(detail, key: "k")
        let cslText = csl.finish()
        #expect(cslText.contains(#""page":"5998–6008""#) || cslText.contains(#""page": "5998–6008""#))
        #expect(try CSLJSON.parse(Data(cslText.utf8), file: "out.json").map(\.pages) == ["5998–6008"])

        var ris = RISExport(output: "")
        ris.write(detail, key: "k")
        let risText = ris.finish()
        #expect(risText.contains("SP  - 5998\r\n") && risText.contains("EP  - 6008\r\n"))
        #expect(try RIS.parse(risText, file: "out.ris").map(\.pages) == ["5998–6008"])
    }

    @Test func bibtexWritesAnArXivPreprintAsMiscWithEprintFields() {
        var export = BibTeXExport(output: "", dialect: .bibtex)
        export.write(preprint(), key: "beethoven2024divergence")
        #expect(export.finish() == #"""
            @misc{beethoven2024divergence,
              title = {$f$-Divergence for {BERT:} 50\% \& more\_\textbraceleft{}x\textbraceright{}},
              author = {van Beethoven, Ludwig and King, Jr., Martin Luther and Plato},
              year = {2024},
              month = may,
              eprint = {2405.12345v2},
              archivePrefix = {arXiv},
              primaryClass = {cs.LG},
              keywords = {ml, to-cite},
              abstract = {Line one line two.}
            }

            """#)
    }

    @Test func biblatexWritesAnArXivPreprintAsOnlineWithEprintType() {
        var export = BibTeXExport(output: "", dialect: .biblatex)
        var detail = preprint()
        export.write(detail, key: "a")
        detail.paper.venue = "Journal of Tests"
        detail.paper.doi = DOI("10.1234/x_{y}")
        export.write(detail, key: "b")
        detail.paper.doi = DOI("10.1234/x_}y{")
        export.write(detail, key: "c")
        let text = export.finish()
        #expect(text.hasPrefix("@online{a,\n"))
        #expect(text.contains("  date = {2024-05-30},\n  eprint = {2405.12345v2},\n  eprinttype = {arxiv},\n  eprintclass = {cs.LG},\n"))
        #expect(text.contains("\n\n@article{b,\n"))
        #expect(text.contains("  journaltitle = {Journal of Tests},\n"))
        #expect(text.contains("  doi = {10.1234/x_{y}},\n"), "verbatim fields are written as they are, braces too")
        #expect(text.contains("  doi = {10.1234/x_%7Dy%7B},\n"), "braces that would unbalance the entry are percent-encoded")
    }

    @Test func cslJSONWritesAPreprintAsCSL102Recommends() throws {
        var export = CSLJSONExport(output: "")
        export.write(preprint(), key: "k")
        let text = export.finish()
        guard case .array(let items) = try JSONValue(parsing: text), case .object(let item) = items.first else {
            Issue.record("not an array of objects: \(text)"); return
        }
        #expect(item["type"] == .string("article"))
        #expect(item["publisher"] == .string("arXiv"))
        #expect(item["number"] == .string("2405.12345v2"))
        #expect(item["id"] == .string("k") && item["citation-key"] == .string("k"))
        #expect(item["abstract"] == .string("Line one\nline two."))
        #expect(item["issued"] == .object(["date-parts": .array([.array([.int(2024), .int(5), .int(30)])])]))
        #expect(item["author"] == .array([
            .object(["family": .string("Beethoven"), "given": .string("Ludwig"), "non-dropping-particle": .string("van")]),
            .object(["family": .string("King"), "given": .string("Martin Luther"), "suffix": .string("Jr.")]),
            .object(["family": .string("Plato")]),
        ]))
        var empty = CSLJSONExport(output: "")
        #expect(empty.finish() == "[]\n")
    }

    @Test func risWritesOneLinePerFieldWithTheArXivIdAsAccessionNumber() {
        var export = RISExport(output: "")
        export.write(preprint(), key: "k")
        #expect(export.finish() == """
            TY  - UNPB\r
            ID  - k\r
            TI  - $f$-Divergence for BERT: 50% & more_{x}\r
            AU  - van Beethoven, Ludwig\r
            AU  - King, Martin Luther, Jr.\r
            AU  - Plato\r
            PY  - 2024\r
            DA  - 2024/05/30\r
            L1  - https://arxiv.org/pdf/2405.12345v2\r
            AN  - arXiv:2405.12345v2\r
            DB  - arXiv\r
            KW  - ml\r
            KW  - to-cite\r
            AB  - Line one line two.\r
            ER  - \r
            \r

            """)
    }
}
