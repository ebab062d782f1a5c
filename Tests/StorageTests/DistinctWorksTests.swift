import Foundation
import Interchange
import Model
import Testing
@testable import Storage

/// Imports merge an entry into a paper only when they are one work
/// (``Model/WorkMatch``); papers kept apart are listed, and merged only deliberately.
@Suite("Distinct works are never merged")
struct DistinctWorksTests {
    static let thesis = """
        @article{lecun2015deep,
          title = {Deep Learning}, author = {LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey},
          journal = {Nature}, year = {2015}
        }
        @book{goodfellow2016deep,
          title = {Deep learning}, author = {Goodfellow, Ian and Bengio, Yoshua and Courville, Aaron},
          publisher = {MIT Press}, year = {2016}
        }
        @book{kullback,
          title = {Information Theory and Statistics}, author = {Kullback, Solomon}, year = {1959}
        }
        @book{kullback:reprint,
          title = {Information Theory and Statistics}, author = {Kullback, Solomon}, year = {1997}
        }
        @techreport{smith2020tr,
          title = {Sparse Krylov Recycling}, author = {Smith, Jane}, year = {2020}
        }
        @inproceedings{smith2020conf,
          title = {Sparse {Krylov} Recycling}, author = {Jane Smith}, year = {2020}
        }
        """

    func drafts(_ text: String, file: String = "thesis.bib") throws -> [PaperDraft] {
        try BibTeX.parse(text, file: file)
    }

    func keyed(_ library: Library) throws -> [String: Paper] {
        var papers: [String: Paper] = [:]
        for listed in try library.list(SearchQuery()) { if let key = listed.paper.citeKey { papers[key] = listed.paper } }
        return papers
    }

    @Test func sameTitledWorksStayApartWithTheirKeysAndAreReported() throws {
        let temp = try TemporaryLibrary()
        let report = try temp.library.importPapers(try drafts(Self.thesis))
        #expect(report.added == 6 && report.merged == 0)
        let papers = try keyed(temp.library)
        #expect(Set(papers.keys) == ["lecun2015deep", "goodfellow2016deep", "kullback", "kullback:reprint", "smith2020tr", "smith2020conf"])
        #expect(papers["kullback"]?.year == 1959 && papers["kullback:reprint"]?.year == 1997)
        #expect(papers["goodfellow2016deep"]?.authors.first == "Ian Goodfellow" && papers["goodfellow2016deep"]?.year == 2016)
        #expect(papers["lecun2015deep"]?.venue == "Nature", "no field leaks from one work to the other")
        #expect(papers["goodfellow2016deep"]?.venue == nil)

        let near = report.nearMatches.map { ($0.citeKey ?? "", $0.paperCiteKey ?? "", $0.differences) }
        #expect(near.count == 3, "\(near)")
        #expect(near.contains { $0 == ("goodfellow2016deep", "lecun2015deep", [.firstAuthor("Goodfellow", "LeCun"), .year(2016, 2015)]) })
        #expect(near.contains { $0 == ("kullback:reprint", "kullback", [.year(1997, 1959)]) })
        #expect(near.contains { $0 == ("smith2020conf", "smith2020tr", [.citeKey("smith2020conf", "smith2020tr")]) })
        #expect(report.nearMatches.first { $0.citeKey == "kullback:reprint" }?.line == 12, "the entry's line, for the message")
    }

    @Test func importingTheSameFileAgainInAnyOrderChangesNothing() throws {
        let temp = try TemporaryLibrary()
        _ = try temp.library.importPapers(try drafts(Self.thesis))
        let before = try keyed(temp.library)
        let again = try temp.library.importPapers(try drafts(Self.thesis))
        #expect(again.added == 0 && again.merged == 0 && again.unchanged == 6)
        // Entries told apart only by their keys find their own papers again whatever the order.
        let reversed = try temp.library.importPapers(try drafts(Self.thesis).reversed())
        #expect(reversed.added == 0 && reversed.merged == 0 && reversed.unchanged == 6)
        let after = try keyed(temp.library)
        #expect(after.mapValues(\.id) == before.mapValues(\.id))
        #expect(after.values.allSatisfy { $0.citeAliases.isEmpty })
    }

    @Test func theSameWorkFromAnotherFileMergesAndKeepsItsKeyAsAnAlias() throws {
        let temp = try TemporaryLibrary()
        _ = try temp.library.importPapers(try drafts(Self.thesis))
        let zotero = """
            @article{LeCun_Bengio_Hinton_2015,
              title = {Deep learning}, author = {LeCun, Yann and Bengio, Yoshua}, year = {2015},
              pages = {436--444}
            }
            """
        let report = try temp.library.importPapers(try drafts(zotero, file: "zotero.bib"))
        #expect(report.added == 0 && report.merged == 1)
        #expect(report.nearMatches.isEmpty, "an entry that found its paper reports no near match")
        let lecun = try #require(try keyed(temp.library)["lecun2015deep"])
        #expect(lecun.pages == "436–444")
        #expect(lecun.citeAliases == ["LeCun_Bengio_Hinton_2015"])
        // The alias is a reference, and a BibLaTeX export carries it as `ids`.
        #expect(try temp.library.resolve("lecun_bengio_hinton_2015").id == lecun.id)
        let detail = try #require(try temp.library.detail(lecun.id))
        var export = BibTeXExport(output: "", dialect: .biblatex)
        export.write(detail, key: "lecun2015deep")
        #expect(export.finish().contains("ids = {LeCun_Bengio_Hinton_2015}"))
    }

    @Test func oneFileWithTwoKeysForOneIdentifierMergesThemUnderAnAlias() throws {
        let temp = try TemporaryLibrary()
        let text = """
            @article{a, title = {Deep Learning}, author = {LeCun, Yann}, year = {2015}, doi = {10.1038/nature14539}}
            @article{b, title = {Deep learning (reprint)}, author = {LeCun, Yann}, year = {2016}, doi = {10.1038/NATURE14539}}
            """
        let report = try temp.library.importPapers(try drafts(text))
        #expect(report.added == 1 && report.merged == 1)
        let paper = try #require(try temp.library.list(SearchQuery()).first?.paper)
        #expect(paper.citeKey == "a" && paper.citeAliases == ["b"] && paper.year == 2015)
    }

    @Test func duplicatesAreListedAndAMergeMovesEverythingAndKeepsEveryKey() throws {
        let temp = try TemporaryLibrary()
        _ = try temp.library.importPapers(try drafts(Self.thesis))
        let groups = try temp.library.duplicateGroups()
        #expect(groups.map { $0.papers.compactMap(\.citeKey) } == [["lecun2015deep", "goodfellow2016deep"], ["kullback", "kullback:reprint"], ["smith2020tr", "smith2020conf"]])
        #expect(groups.map(\.shared) == [.title, .title, .title])
        #expect(groups[1].differences == [[.year(1997, 1959)]])

        let papers = try keyed(temp.library)
        let tr = try #require(papers["smith2020tr"]), conf = try #require(papers["smith2020conf"])
        try temp.library.tag(conf.id, adding: [try TagName("krylov")])
        let note = try temp.library.addNote(to: conf.id, body: "Read section 3.")
        try temp.library.setStatus(.read, of: conf.id, rating: 4)
        try temp.library.mergePapers([conf.id], into: tr.id)

        let kept = try #require(try temp.library.detail(tr.id))
        #expect(kept.tags.map(\.value) == ["krylov"])
        #expect(kept.notes.map(\.id) == [note.id])
        #expect(kept.paper.status == .read && kept.paper.rating == 4, "the kept paper was unread: it takes the other's reading state")
        #expect(kept.paper.citeKey == "smith2020tr" && kept.paper.citeAliases == ["smith2020conf"])
        #expect(try temp.library.paper(conf.id) == nil)
        #expect(try temp.library.isPurged(.paper, id: conf.id.lowercased))
        #expect(try temp.library.resolve("smith2020conf").id == tr.id, "every \\cite of the merged key still finds the paper")
        #expect(try temp.library.searchIndexIsConsistent())
        #expect(try temp.library.duplicateGroups().count == 2)
        // The merged entry imported again comes back to the kept paper, not as a purged one.
        let again = try temp.library.importPapers(try drafts(Self.thesis))
        #expect(again.added == 0 && again.purged.isEmpty && again.unchanged == 6)
        #expect(throws: StorageError.self) { try temp.library.mergePapers([tr.id], into: tr.id) }
    }
}
