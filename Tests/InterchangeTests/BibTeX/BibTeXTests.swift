import Interchange
import Model
import Testing

@Suite("BibTeX import")
struct BibTeXTests {
    @Test func aRealisticBibliographyBecomesDrafts() throws {
        let drafts = try BibTeX.parse(try repositoryText("Tests/Fixtures/refs.bib"), file: "refs.bib")
        #expect(drafts.count == 3)

        let attention = drafts[0]
        #expect(attention.title == "Attention Is All You Need")
        #expect(attention.authors.first == "Ashish Vaswani")
        #expect(attention.authors.count == 8)
        #expect(attention.authors.contains("Łukasz Kaiser"))
        #expect(attention.venue == "Advances in Neural Information Processing Systems 30")
        #expect(attention.year == 2017 && attention.published == "2017-12")
        #expect(attention.arxiv == ArXivID("1706.03762"))
        #expect(attention.source == "bibtex:refs.bib")
        #expect(attention.line == 8)

        let goedel = drafts[1]
        #expect(goedel.title == "Über formal unentscheidbare Sätze der Principia Mathematica")
        #expect(goedel.authors == ["Kurt Gödel"])
        #expect(goedel.venue == "Monatshefte für Mathematik und Physik")
        #expect(goedel.doi == DOI("10.1007/bf01700692"))
        #expect(goedel.published == "1931")

        let divergence = drafts[2]
        #expect(divergence.title == "$f$-Divergence Minimization for BERT: 50% Faster & Naïve—Really")
        #expect(divergence.authors == ["Văn Nguyễn"])
        #expect(divergence.published == "2024-05-30" && divergence.year == 2024)
        #expect(divergence.arxiv == ArXivID("2405.12345v2"))
        #expect(divergence.abstract == "We show that multi-line abstracts keep “quotes” and braces.")
        #expect(BibTeX.looksLikeBibTeX(try repositoryText("Tests/Fixtures/refs.bib")))
    }

    @Test(arguments: [
        (#"{\"o}"#, "ö"), (#"\'e"#, "é"), (#"\`{a}"#, "à"), (#"\c{c}\c c"#, "çç"), (#"\v{s}"#, "š"), (#"\ss{}"#, "ß"),
        (#"\o \AE"#, "øÆ"), (##"\& \% \$ \# \_"##, "& % $ # _"), ("a--b---c", "a–b—c"), ("a~b", "a\u{A0}b"),
        (#"$\alpha$-{BERT}"#, #"$\alpha$-BERT"#), (#"\emph{word}"#, "word"), (#"na\"{\i}ve"#, "naïve"),
    ] as [(String, String)])
    func latexBecomesUnicode(latex: String, text: String) {
        #expect(LaTeX.toUnicode(latex) == text)
    }

    @Test func aDOIInCaseProtectingBracesIsTheDOI() throws {
        let drafts = try BibTeX.parse("""
            @article{wos, title = {T}, DOI = {{10.1016/j.buildenv.2018.07.033}}}
            @article{two, title = {U}, doi = {{10.1/a}{b}}}
            """, file: "wos.bib")
        #expect(drafts[0].doi?.written == "10.1016/j.buildenv.2018.07.033", "as Web of Science writes it")
        #expect(drafts[0].bibFields["doi"] == nil)
        #expect(drafts[1].doi?.written != "10.1/a}{b", "two groups are not one group around it all")
    }

    /// What real libraries hold (Better BibTeX's fixtures: EndNote and clipboard
    /// exports, a file of APA examples with entries commented out by `%`).
    @Test func readsWhatBibtexAndBiberLetPass() throws {
        var warnings: [ImportError] = []
        let drafts = try BibTeX.parse("""
            % (APA 10.1 Example 18)
            %@ARTICLE{10.1:18,
            %  ENTRYSUBTYPE   = {nonacademic},
            @article{
              author = {Huang, Y. and Mucke, L.},
              title = {Alzheimer mechanisms},
              year = {2012}
            }
            @Comment Len Schubert

            @techreport{TBD,  title = {Report number 2PTE3},  , number = {2PTE3},}
            """, file: "real.bib", problems: ImportProblems(warning: { warnings.append($0) }))
        #expect(drafts.map(\.title) == ["Alzheimer mechanisms", "Report number 2PTE3"])
        #expect(drafts.first?.citeKey == nil, "a key is made on import")
        #expect(drafts.last?.bibFields["number"] == "2PTE3")
        #expect(warnings == [ImportError(file: "real.bib", line: 4, reason: "@article has no citation key; reader gives it one")])
        #expect(throws: ImportError(file: "real.bib", line: 1, reason: "@article has no citation key; reader gives it one")) {
            try BibTeX.parse("@article{\n  title = {Strict}\n}\n", file: "real.bib")
        }
    }

    @Test func badEntriesAreReportedAtTheirLine() {
        let unclosed = "@article{a,\n  title = {Fine},\n}\n\n@article{b,\n  title = {Never closed,\n  year = 2020\n"
        #expect(throws: ImportError(file: "bad.bib", line: 6, reason: "unbalanced braces: the file ends before the value of field 'title' of @article{b} is closed")) {
            try BibTeX.parse(unclosed, file: "bad.bib")
        }
        // A brace missing deep in an entry is named at its field's line, not the entry's first.
        let deep = "@article{c,\n  author = {A. Author},\n  journal = {J},\n  year = 2020,\n  volume = 3,\n  pages = {1--2},\n  title = {An {Extra Brace},\n  note = {n}\n}\n\n@article{d, title = {Next}}\n"
        #expect(throws: ImportError(file: "bad.bib", line: 7, reason: "@article{c is not closed: the value of field 'title' runs from line 7 to line 9; a brace in it is missing or extra")) {
            try BibTeX.parse(deep, file: "bad.bib")
        }
        let runsOn = "@article{c,\n  author = {A. Author},\n  title = {An {Extra} {Brace},\n  year = 2020\n\n@article{d, title = {Next}}\n"
        #expect(throws: ImportError(file: "bad.bib", line: 3, reason: "unbalanced braces: the value of field 'title' of @article{c} is not closed before the entry at line 6")) {
            try BibTeX.parse(runsOn, file: "bad.bib")
        }
        #expect(throws: ImportError(file: "bad.bib", line: 2, reason: "unknown @string 'nips'")) {
            try BibTeX.parse("\n@inproceedings{x, title = {T}, booktitle = nips}", file: "bad.bib")
        }
        #expect(throws: ImportError(file: "bad.bib", line: 1, reason: "@misc{empty} has no title, DOI or arXiv id")) {
            try BibTeX.parse("@misc{empty, note = {nothing else}}", file: "bad.bib")
        }
        #expect(throws: ImportError(file: "bad.bib", line: 1, reason: "expected '=' in field 'title' of @article{k")) {
            try BibTeX.parse("@article{k, title {T}}", file: "bad.bib")
        }
    }
}
