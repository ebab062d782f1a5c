import Foundation
import Model
import Testing
@testable import Interchange

/// A work's type and its bibliographic fields go from any format to every other
/// that can hold them (BibTeX, BibLaTeX, CSL-JSON, RIS).
@Suite("Work types and bibliographic fields across formats")
struct BibliographicFieldTests {
    func paper(_ draft: PaperDraft) -> PaperDetail {
        var values = draft.fieldValues
        values["cite_key"] = .string("k")
        return PaperDetail(paper: Paper(id: UUID(), values: values), tags: [])
    }

    func bibtex(_ detail: PaperDetail, _ dialect: BibTeXDialect = .bibtex) -> String {
        var export = BibTeXExport(output: "", dialect: dialect)
        export.write(detail, key: "k")
        return export.finish()
    }

    func csl(_ detail: PaperDetail) -> [String: JSONValue] {
        guard case .object(let item) = CSLJSON.item(detail, key: "k") else { return [:] }
        return item
    }

    func ris(_ detail: PaperDetail) -> String {
        var export = RISExport(output: "")
        export.write(detail, key: "k")
        return export.finish()
    }

    static let proceedings = """
        @inproceedings{k,
          author = {Vaswani, Ashish}, title = {Attention is All you Need},
          booktitle = {Advances in Neural Information Processing Systems},
          editor = {Guyon, I. and Luxburg, U. Von}, volume = {30}, number = {2}, publisher = {Curran Associates, Inc.},
          address = {Long Beach, CA}, isbn = {978-1-5108-6096-4}, note = {Spotlight}, timestamp = {2020-01-01},
          year = {2017}
        }
        """

    @Test func aConferencePaperFromBibTeXKeepsItsTypeAndFieldsInEveryFormat() throws {
        let detail = paper(try #require(try BibTeX.parse(Self.proceedings, file: "a.bib").first))
        #expect(detail.paper.workType == .paperConference)
        #expect(detail.paper.venue == "Advances in Neural Information Processing Systems")

        let bib = bibtex(detail)
        #expect(bib.hasPrefix("@inproceedings{k,"))
        for line in ["booktitle = {Advances in Neural Information Processing Systems}", "editor = {Guyon, I. and Luxburg, U. Von}",
                     "volume = {30}", "number = {2}", "publisher = {Curran Associates, Inc.}", "address = {Long Beach, CA}",
                     "isbn = {978-1-5108-6096-4}", "note = {Spotlight}", "timestamp = {2020-01-01}"] {
            #expect(bib.contains(line), "\(line) in \(bib)")
        }
        #expect(!bib.contains("journal"))
        #expect(bibtex(detail, .biblatex).contains("location = {Long Beach, CA}"))

        let item = csl(detail)
        #expect(item["type"] == .string("paper-conference"))
        #expect(item["container-title"] == .string("Advances in Neural Information Processing Systems"))
        #expect(item["volume"] == .string("30") && item["issue"] == .string("2"))
        #expect(item["publisher"] == .string("Curran Associates, Inc.") && item["publisher-place"] == .string("Long Beach, CA"))
        #expect(item["ISBN"] == .string("978-1-5108-6096-4") && item["note"] == .string("Spotlight"))
        #expect(item["editor"] == .array([.object(["family": .string("Guyon"), "given": .string("I.")]),
                                          .object(["family": .string("Luxburg"), "given": .string("U. Von")])]))
        #expect(item["timestamp"] == nil, "a field CSL has no variable for stays out of CSL")

        let record = ris(detail)
        for line in ["TY  - CPAPER", "T2  - Advances in Neural Information Processing Systems", "ED  - Guyon, I.", "ED  - Luxburg, U. Von",
                     "VL  - 30", "IS  - 2", "PB  - Curran Associates, Inc.", "CY  - Long Beach, CA", "SN  - 978-1-5108-6096-4", "N1  - Spotlight"] {
            #expect(record.contains(line + "\r\n"), "\(line) in \(record)")
        }
    }

    @Test func cslAndRISFieldsComeBackFromEachOther() throws {
        let detail = paper(try #require(try BibTeX.parse(Self.proceedings, file: "a.bib").first))
        // CSL → reader → CSL, and RIS → reader → RIS, give the same variables and tags.
        let item = csl(detail)
        let fromCSL = paper(try #require(try CSLJSON.parse(Data(JSONValue.array([.object(item)]).canonicalJSON.utf8), file: "a.json").first))
        #expect(csl(fromCSL) == item)
        #expect(bibtex(fromCSL).hasPrefix("@inproceedings{k,") && bibtex(fromCSL).contains("booktitle = {Advances"))
        let record = ris(detail)
        let fromRIS = paper(try #require(try RIS.parse(record, file: "a.ris").first))
        #expect(ris(fromRIS) == record)
    }

    @Test func theSourcesOwnEntryTypeAndThesisFieldsAreKept() throws {
        let drafts = try BibTeX.parse("""
            @mastersthesis{m, title = {Sparse Models}, author = {Lee, Min}, school = {University of Edinburgh}, year = 2019}
            @conference{c, title = {Old}, author = {Old, Style}, booktitle = {Proc. Old}, year = 2001}
            @book{b, title = {Deep Learning}, author = {Goodfellow, Ian}, publisher = {MIT Press}, year = 2016}
            @misc{a, title = {A Preprint}, author = {Doe, Jane}, eprint = {2405.12345}, archivePrefix = {arXiv}, year = 2024}
            """, file: "t.bib")
        let details = drafts.map(paper)
        #expect(details.map(\.paper.workType) == [.thesis, .paperConference, .book, nil], "a preprint is taken for one without being told")
        #expect(bibtex(details[0]).hasPrefix("@mastersthesis{k,") && bibtex(details[0]).contains("school = {University of Edinburgh}"))
        #expect(bibtex(details[0], .biblatex).contains("institution = {University of Edinburgh}"))
        #expect(bibtex(details[1]).hasPrefix("@conference{k,"))
        #expect(bibtex(details[2]).hasPrefix("@book{k,"))
        #expect(bibtex(details[3]).hasPrefix("@misc{k,") && bibtex(details[3], .biblatex).hasPrefix("@online{k,"))
        #expect(csl(details[0])["type"] == .string("thesis") && csl(details[0])["publisher"] == .string("University of Edinburgh"))
        #expect(ris(details[0]).hasPrefix("TY  - THES\r\n") && ris(details[0]).contains("PB  - University of Edinburgh\r\n"))
        // An edited type wins over the source's own.
        var edited = details[0]
        edited.paper.workType = .book
        #expect(bibtex(edited).hasPrefix("@book{k,"))
    }

    @Test func anIssueFieldAsMendeleyWritesItIsTheIssueInCSLAndRIS() throws {
        let detail = paper(try #require(try BibTeX.parse("@article{k, title = {T}, journal = {J}, volume = {9}, issue = {2}, year = {2015}}", file: "a.bib").first))
        #expect(bibtex(detail).contains("issue = {2}"), "BibTeX keeps it under its own name")
        #expect(csl(detail)["issue"] == .string("2"))
        #expect(ris(detail).contains("IS  - 2\r\n"))
        let both = paper(try #require(try BibTeX.parse("@article{k, title = {T}, journal = {J}, number = {3}, issue = {Spring}, year = {2015}}", file: "a.bib").first))
        #expect(csl(both)["issue"] == .string("3"), "a number, where there is one, is the issue")
        #expect(ris(both).components(separatedBy: "IS  - ").count == 2)
    }
}
