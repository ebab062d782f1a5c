import Foundation
import Model
import Testing
@testable import Interchange

/// LaTeX is turned into text where that is safe and never deleted; a field goes
/// back out to BibTeX as its source wrote it while it is unedited.
@Suite("LaTeX without loss")
struct LaTeXSourceTests {
    @Test(arguments: [
        (#"1\texteuro{} Filter"#, "1€ Filter"), (#"(1\texttimes{}1)"#, "(1×1)"), (#"\textmu{}m"#, "µm"),
        (#"The {\MF}book"#, "The METAFONTbook"), (#"\ConTeXt, \LuaTeX{} and \BibTeX"#, "ConTeXt, LuaTeX and BibTeX"),
        (#"pdf\TeX"#, "pdfTeX"), (#"\LaTeX"#, "LaTeX"), (#"\noopsort{b}Zed"#, "Zed"), (#"{\em Deep} \textbf{bold}"#, "Deep bold"),
    ] as [(String, String)])
    func knownMacrosBecomeTheirText(latex: String, text: String) {
        #expect(LaTeX.toUnicode(latex) == text)
    }

    @Test func aMacroOfTheDocumentsOwnIsKeptAsWritten() {
        #expect(LaTeX.toUnicode(#"by \Thanh\ and \foo{x}{y} z"#) == #"by \Thanh and \foo{x}{y} z"#, "its arguments too")
        #expect(LaTeX.toUnicode(#"{{\booktitle{Die TeXnische Kom{\"o}die}}}: 2--3"#) == #"\booktitle{Die TeXnische Komödie}: 2–3"#,
                "the text of its arguments converted")
        #expect(LaTeX.toUnicode(#"\foo{a{\"o}"#) == #"\foo{a{\"o}"#, "an argument never closed stays as written")
        // An author who is only a macro is still an author.
        #expect(BibTeXName.names(#"\Thanh and Knuth, Donald"#).map(\.displayName) == [#"\Thanh"#, "Donald Knuth"])
    }

    @Test func aKeptMacroDoesNotRunIntoTheLetterAfterIt() {
        // TUGboat's `{\Dash}an`: without the group, `\Dashan` would be another macro.
        #expect(LaTeX.toUnicode(#"system{\Dash}{\sl Autolayouter}{\Dash}an"#) == #"system\Dash{}Autolayouter\Dash{}an"#)
        #expect(LaTeX.toUnicode(#"\foo{}bar \foo{} bar"#) == #"\foo{}bar \foo bar"#)
        // A control word ends at the line break after it as at a space.
        #expect(LaTeX.toUnicode("{\\sl\n   Title}") == LaTeX.toUnicode("{\\sl Title}"))
        // An accent with nothing under it is kept as written.
        #expect(LaTeX.toUnicode(#"Ragnhei{\d}ur"#) == #"Ragnhei\dur"#)
    }

    @Test func aBarePercentIsEscapedAndTheRestKeptAsWritten() throws {
        // Joined into one line, `%` would comment out the rest of the field and its brace.
        let paper = try detail("@article{k, title = {T}, abstract = {about 50% in\n a {narrow} range, 5\\% \\emph{x}}}")
        #expect(paper.paper.abstract == "about 50% in a narrow range, 5% x")
        #expect(export(paper, .biblatex).contains(#"abstract = {about 50\% in a {narrow} range, 5\% \emph{x}}"#))
    }

    @Test func fieldsAndTypesGoBackOutUnderEachDialectsNames() throws {
        let paper = try detail(#"""
            @video{k, title = {A Film}, author = {Doe, Jane}, date = {1998}, month = {May},
              address = {New York}, location = {Calgary}, annote = {Seen twice}}
            """#)
        let bibtex = export(paper, .bibtex), biblatex = export(paper, .biblatex)
        #expect(biblatex.hasPrefix("@video{k,") && bibtex.hasPrefix("@misc{k,"), "plain.bst has no @video")
        #expect(biblatex.contains("date = {1998}") && biblatex.contains("month = {May}"), "a date beside a month: both as written")
        #expect(bibtex.contains("address = {New York}") && bibtex.contains("location = {Calgary}"), "both places, each under its own name")
        #expect(bibtex.contains("annote = {Seen twice}") && biblatex.contains("annotation = {Seen twice}"))
        let unknown = try detail("@nameonly{k, title = {Somebody}}")
        #expect(export(unknown, .biblatex).hasPrefix("@nameonly{k,"), "a type reader has no work type for goes back out as it came")
    }

    @Test func thePreambleGoesOutOnceWithTheEntriesThatUseItsMacros() throws {
        let drafts = try BibTeX.parse(#"""
            @preamble{ "\newcommand{\noopsort}[1]{} " # "\newcommand{\singleletter}[1]{#1} " }
            @book{a, title = {Sorted}, year = {{\noopsort{1973b}}1973}}
            @book{b, title = {Plain}, year = 1980}
            @book{c, title = {{\singleletter{S}}tories}, year = 1981}
            """#, file: "p.bib")
        #expect(drafts.map { $0.bibFields["@preamble"] != nil } == [true, false, true])
        var export = BibTeXExport(output: "", dialect: .biblatex)
        for (index, draft) in drafts.enumerated() {
            var values = draft.fieldValues
            values["cite_key"] = .string("k\(index)")
            export.write(PaperDetail(paper: Paper(id: UUID(), values: values), tags: []), key: "k\(index)")
        }
        let text = export.finish()
        #expect(text.hasPrefix(#"@preamble{ {\newcommand{\noopsort}[1]{} \newcommand{\singleletter}[1]{#1} } }"#))
        #expect(text.components(separatedBy: "@preamble").count == 2, "written once")
    }

    func detail(_ entry: String) throws -> PaperDetail {
        let draft = try #require(try BibTeX.parse(entry, file: "a.bib").first)
        var values = draft.fieldValues
        values["cite_key"] = .string("k")
        return PaperDetail(paper: Paper(id: UUID(), values: values), tags: [])
    }

    func export(_ detail: PaperDetail, _ dialect: BibTeXDialect) -> String {
        var export = BibTeXExport(output: "", dialect: dialect)
        export.write(detail, key: "k")
        return export.finish()
    }

    @Test func uneditedFieldsGoBackOutAsWritten() throws {
        let source = #"""
            @inproceedings{k,
              author = {Smith, Jane and {\relax Th}anh, Nguyen and others},
              title = {{B}ayesian {N}ew {Y}ork with $\mathcal{O}(n^{2})$ and the {\MF}book},
              booktitle = {Proc.\ {ICML}},
              abstract = {The loss $\ell(\theta)$ is {\bf minimized}.},
              year = {2023}
            }
            """#
        let detail = try detail(source)
        #expect(detail.paper.title == #"Bayesian New York with $\mathcal{O}(n^{2})$ and the METAFONTbook"#)
        for dialect in [BibTeXDialect.bibtex, .biblatex] {
            let out = export(detail, dialect)
            #expect(out.contains(#"title = {{B}ayesian {N}ew {Y}ork with $\mathcal{O}(n^{2})$ and the {\MF}book}"#), "\(out)")
            #expect(out.contains(#"author = {Smith, Jane and {\relax Th}anh, Nguyen and others}"#))
            #expect(out.contains(#"{Proc.\ {ICML}}"#))
            #expect(out.contains(#"abstract = {The loss $\ell(\theta)$ is {\bf minimized}.}"#))
        }
    }

    @Test func anEditedFieldIsEscapedAnewAndTheOthersStayAsWritten() throws {
        var detail = try detail(#"@article{k, title = {The {\MF}book}, author = {Knuth, Donald and others}, journal = {TUG{\-}boat}, year = 1986}"#)
        detail.paper.title = "The METAFONTbook, 2nd edition"
        detail.paper.authors = ["Donald Knuth", "Ada Lovelace"]
        let out = export(detail, .bibtex)
        #expect(out.contains("title = {The {METAFONTbook,} 2nd edition}"), "\(out)")
        #expect(out.contains("author = {Knuth, Donald and Lovelace, Ada and others}"), "the names anew, the list still going on")
        #expect(out.contains(#"journal = {TUG{\-}boat}"#))
    }

    @Test func onlyWhatAnExportWouldWriteOtherwiseIsKept() throws {
        let draft = try #require(try BibTeX.parse(#"@article{k, title = {{BERT} for 50\% of {GPT-4}}, author = {Smith, Jane and others}, abstract = {Plain \& simple.}, journal = {J}}"#, file: "a.bib").first)
        #expect(draft.latex.isEmpty, "an escape gives the title, abstract and journal back, and the names with their mark `and others`")
    }

    @Test func unbalancedSourceIsNeverWrittenAsIs() {
        #expect(LaTeX.source("a } b {", reads: { _ in true }) == nil)
        #expect(LaTeX.source(#"a \} b"#, reads: { _ in true }) == nil)
        #expect(LaTeX.source(#"a \{ b \}"#, reads: { _ in true }) == #"a \{ b \}"#)
    }
}
