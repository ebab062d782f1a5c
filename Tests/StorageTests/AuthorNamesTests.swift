import Foundation
import Interchange
import Model
import Testing
@testable import Storage

/// A paper keeps the parts of the names its display names do not say, and only
/// those, beside its `authors`; exports pair them by display name.
@Suite("Authors' name parts in the library")
struct AuthorNamesTests {
    static let bib = """
        @article{uria2001,
          author = {Ur{\\'\\i}a R{\\'\\i}u, Juan and Ashish Vaswani and {American Psychological Association} and Ludwig van Beethoven},
          title = {Names}, year = {2001}, eprint = {2101.00001}, archivePrefix = {arXiv}
        }
        """

    func stored(_ library: Library, _ id: UUID) throws -> JSONValue? {
        try library.dbQueue.read { db in
            try String.fetchOne(db, sql: "SELECT author_names FROM paper WHERE id = ?", arguments: [id.uuidString.lowercased()])
        }.map { try JSONValue(parsing: $0) }
    }

    @Test func onlyTheNamesADisplayNameDoesNotSayAreStored() throws {
        let temp = try TemporaryLibrary()
        let report = try temp.library.importPapers(try BibTeX.parse(Self.bib, file: "names.bib"))
        let id = try #require(report.outcomes.first?.paperID)
        let paper = try #require(try temp.library.paper(id))
        #expect(paper.authors == ["Juan Uría Ríu", "Ashish Vaswani", "American Psychological Association", "Ludwig van Beethoven"])
        #expect(try stored(temp.library, id) == .array([
            .object(["family": .string("Uría Ríu"), "given": .string("Juan")]),
            .object(["literal": .string("American Psychological Association")]),
        ]))
        #expect(paper.names == [PersonName(family: "Uría Ríu", given: "Juan"), PersonName(family: "Vaswani", given: "Ashish"),
                                PersonName(literal: "American Psychological Association"),
                                PersonName(family: "Beethoven", given: "Ludwig", particle: "van")])
    }

    @Test func aBibliographyEntryGivesItsPartsToThePaperItMergesInto() throws {
        let temp = try TemporaryLibrary()
        var arxiv = PaperDraft(title: "Names", authors: ["Juan Uría Ríu", "Ashish Vaswani", "American Psychological Association", "Ludwig van Beethoven"])
        arxiv.arxiv = ArXivID("2101.00001")
        let id = try #require(try temp.library.importPapers([arxiv]).outcomes.first?.paperID)
        #expect(try stored(temp.library, id) == nil)
        let report = try temp.library.importPapers(try BibTeX.parse(Self.bib, file: "names.bib"))
        #expect(report.merged == 1)
        #expect(try temp.library.paper(id)?.names.first == PersonName(family: "Uría Ríu", given: "Juan"))
    }

    @Test func editedAuthorsUseThePartsOfTheNamesThatStayed() throws {
        let temp = try TemporaryLibrary()
        let id = try #require(try temp.library.importPapers(try BibTeX.parse(Self.bib, file: "names.bib")).outcomes.first?.paperID)
        try temp.library.update(id, ["authors": .array([.string("Ada Lovelace"), .string("American Psychological Association"), .string("Juan Uría Ríu")])])
        let names = try #require(try temp.library.paper(id)).names
        #expect(names == [PersonName(family: "Lovelace", given: "Ada"), PersonName(literal: "American Psychological Association"),
                          PersonName(family: "Uría Ríu", given: "Juan")])
    }
}
