import Foundation
import Interchange
import Model
import Testing
@testable import Storage

@Suite("Adding, importing and finding papers")
struct LibraryTests {
    @Test func reimportingTheSeedListingAddsNothing() throws {
        let temp = try TemporaryLibrary()
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Examples/trending-papers.txt"), encoding: .utf8)
        let drafts = try PapersListing.parse(text, file: "trending-papers.txt")
        let first = try temp.library.importPapers(drafts)
        #expect(first.added == 97)
        let second = try temp.library.importPapers(drafts)
        #expect(second.added == 0 && second.merged == 0 && second.unchanged == 97)
        #expect(try temp.library.list().count == 97)
        #expect(first.outcomes.map(\.paperID) == second.outcomes.map(\.paperID))
    }

    @Test func aDryRunImportChangesNothingNotEvenTheClock() throws {
        let temp = try TemporaryLibrary()
        try temp.library.add(draft("Already here"))
        let clock = try temp.library.lastClock
        let report = try temp.library.importPapers([draft("New one"), draft("already here!")], dryRun: true)
        #expect(report.added == 1 && report.unchanged == 1)
        #expect(try temp.library.list().map(\.paper.title) == ["Already here"])
        #expect(try temp.library.lastClock == clock)
        #expect(try temp.library.pendingChangeCount() == 1)
        #expect(try temp.library.searchIndexIsConsistent())
    }

    struct LateProblem: Error {}

    @Test func anImportThatFailsAfterStoringSomePapersLeavesNothingOfThem() throws {
        let temp = try TemporaryLibrary()
        try temp.library.add(draft("Already here"))
        let pending = try temp.library.pendingChangeCount()
        #expect(throws: LateProblem.self) {
            try temp.library.importPapers { add in
                for index in 0..<500 {
                    var paper = draft("Paper \(index)")
                    paper.tags = [try TagName("bulk"), try TagName("t\(index % 3)")]
                    try add(paper)
                }
                throw LateProblem()
            }
        }
        #expect(try temp.library.list().map(\.paper.title) == ["Already here"])
        #expect(try temp.library.pendingChangeCount() == pending)
        #expect(try temp.library.searchIndexIsConsistent())
    }

    @Test func papersHandedOverOneByOneAreStoredAsTheSameListWouldBe() throws {
        let a = try TemporaryLibrary(), b = try TemporaryLibrary()
        var drafts: [PaperDraft] = []
        for index in 0..<300 {
            var paper = draft(index % 7 == 0 ? "A repeated title" : "Paper \(index)", authors: ["Author \(index % 5)"])
            paper.tags = [try TagName("bulk"), try TagName("t\(index % 3)")]
            drafts.append(paper)
        }
        let whole = try a.library.importPapers(drafts)
        let streamed = try b.library.importPapers { add in for paper in drafts { try add(paper) } }
        #expect(streamed.outcomes == whole.outcomes)
        #expect(streamed.nearMatches.count == whole.nearMatches.count)
        #expect((streamed.added, streamed.merged, streamed.unchanged) == (whole.added, whole.merged, whole.unchanged))
        let tags = try b.library.tagCounts().map { "\($0.tag.value) \($0.papers)" }.sorted()
        #expect(tags == (try a.library.tagCounts().map { "\($0.tag.value) \($0.papers)" }.sorted()))
        #expect(tags.first == "bulk \(whole.added)" && tags.count == 4)
        #expect(try b.library.pendingChangeCount() == a.library.pendingChangeCount())
        #expect(try b.library.searchIndexIsConsistent())
    }

    @Test func theSamePaperImportedInTwoLibrariesGetsTheSameID() throws {
        let a = try TemporaryLibrary(), b = try TemporaryLibrary()
        let drafts = [draft("Shared title", authors: ["Ada Lovelace"]), draft("With arXiv", arxiv: "2405.12345")]
        #expect(try a.library.importPapers(drafts).outcomes.map(\.paperID) == b.library.importPapers(drafts).outcomes.map(\.paperID))
    }

    @Test func aMatchingPaperIsCompletedNotDuplicatedAndKeepsUserData() throws {
        let temp = try TemporaryLibrary()
        let id = try temp.library.add(draft("Attention Is All You Need", arxiv: "1706.03762")).paperID
        try temp.library.setStatus(.read, of: id, rating: 5)
        var more = draft("attention is all you need", abstract: "The dominant sequence transduction models...")
        more.year = 2017
        let outcome = try temp.library.add(more)
        #expect(outcome == .merged(id, fields: ["abstract", "year"]))
        let paper = try #require(try temp.library.paper(id))
        #expect(paper.title == "Attention Is All You Need")
        #expect(paper.status == .read && paper.rating == 5)
        #expect(try temp.library.add(draft("Other title", arxiv: "arXiv:1706.03762v7")).paperID == id)
        #expect(try temp.library.list().count == 1)
    }

    @Test func papersAreFoundByArXivIDDOIIDPrefixOrTitleFragment() throws {
        let temp = try TemporaryLibrary()
        let a = try temp.library.add(draft("Krylov subspace recycling", arxiv: "2405.12345")).paperID
        var withDOI = draft("Neural operators at scale"); withDOI.doi = DOI("10.1234/ABC")
        let b = try temp.library.add(withDOI).paperID
        let c = try temp.library.add(draft("Neural operators for weather")).paperID
        #expect(try temp.library.resolve("https://arxiv.org/abs/2405.12345v1").id == a)
        #expect(try temp.library.resolve("doi:10.1234/abc").id == b)
        #expect(try temp.library.resolve(String(c.lowercased.prefix(6))).id == c)
        #expect(try temp.library.resolve("krylov").id == a)
        #expect(try temp.library.resolve("NEURAL OPERATORS FOR WEATHER").id == c)
        #expect(throws: StorageError.paperNotFound(reference: "quantum")) { try temp.library.resolve("quantum") }
        do {
            _ = try temp.library.resolve("neural operators")
            Issue.record("an ambiguous reference must throw")
        } catch StorageError.ambiguousReference(let reference, let candidates) {
            #expect(reference == "neural operators")
            #expect(Set(candidates.map(\.id)) == [b, c])
        }
        try temp.library.trash([a])
        #expect(throws: StorageError.self) { try temp.library.resolve("krylov") }
        #expect(try temp.library.resolve("krylov", inTrash: true).id == a)
    }

    @Test func listSortsAndLimits() throws {
        let temp = try TemporaryLibrary()
        var old = draft("B old"); old.year = 2001
        var new = draft("A new"); new.year = 2024
        try temp.library.add(old)
        try temp.library.add(new)
        try temp.library.add(draft("C none"))
        #expect(try temp.library.list(sort: .title).map(\.paper.title) == ["A new", "B old", "C none"])
        #expect(try temp.library.list(sort: .year).map(\.paper.title) == ["A new", "B old", "C none"])
        #expect(try temp.library.list(sort: .added, limit: 1).map(\.paper.title) == ["C none"])
        let b = try temp.library.resolve("B old").id
        try temp.library.setStatus(.queued, of: b)
        #expect(try temp.library.list(sort: .updated).first?.paper.id == b)
    }

    @Test func notesAndHighlightsRefuseEmptyTextAndAreFoundByIdPrefixOrSuffix() throws {
        let temp = try TemporaryLibrary()
        let paper = try temp.library.add(draft("Notes")).paperID
        #expect(throws: StorageError.invalidValue(field: "note", reason: "it is empty")) { try temp.library.addNote(to: paper, body: "  \n ") }
        let note = try temp.library.addNote(to: paper, body: "line one\r\nline two")
        #expect(note.body == "line one\nline two", "stored with \\n line ends")
        #expect(try temp.library.note(String(note.id.lowercased.suffix(8))).id == note.id)
        #expect(try temp.library.note(note.id.lowercased).id == note.id)
        let highlight = try temp.library.addHighlight(to: paper, text: "quoted", page: 2, location: "§3", comment: "hm")
        #expect(try temp.library.highlights(of: paper) == [highlight])
        try temp.library.removeHighlight(highlight.id)
        #expect(try temp.library.highlights(of: paper).isEmpty)
    }
}

@Suite("Backups and concurrent writers")
struct DurabilityTests {
    func fill(_ lib: Library) throws {
        let a = try lib.add(draft("Hostile \"title\" {x} \\ % 🙂 e\u{301} שלום", arxiv: "2405.12345", abstract: String(repeating: "long ", count: 2000))).paperID
        try lib.setStatus(.read, of: a, rating: 3)
        try lib.tag(a, adding: [try TagName("ml"), try TagName("Ünïcode")])
        try lib.addNote(to: a, body: "# Heading\n\n- item\n")
        try lib.addHighlight(to: a, text: "a passage", page: 4, comment: "why")
        let b = try lib.add(draft("Trashed one")).paperID
        try lib.trash([b])
    }

    func records(_ lib: Library) throws -> String {
        var writer = ReaderBackup.Writer(output: "")
        try lib.forEachRecord { writer.write($0) }
        return writer.finish()
    }

    @Test func aJSONBackupRestoresIntoAnEmptyLibraryAsTheSameLibrary() throws {
        let source = try TemporaryLibrary(), target = try TemporaryLibrary()
        try fill(source.library)
        let text = try records(source.library)
        try target.library.restore(try ReaderBackup.read(text, file: "b.json"))
        #expect(try records(target.library) == text)
        #expect(try target.library.searchIndexIsConsistent())
        #expect(try target.library.search("passage").count == 1)
        // Restoring again changes nothing.
        let again = try target.library.restore(try ReaderBackup.read(text, file: "b.json"))
        #expect(again.created == 0 && again.updated == 0)
    }

    @Test func anOnlineBackupIsACompleteCopyWithItsOwnNodeID() throws {
        let source = try TemporaryLibrary()
        try fill(source.library)
        let copyPath = source.folder.appendingPathComponent("copy.sqlite").path
        try source.library.backup(to: copyPath)
        let copy = try Library(path: copyPath)
        #expect(try copy.nodeID != source.library.nodeID)
        #expect(try records(copy) == records(source.library))
        #expect(throws: StorageError.backupTargetExists(path: copyPath)) { try source.library.backup(to: copyPath) }
    }

    @Test func twoWritersOnOneFileBothSucceedAndNothingIsLost() async throws {
        let temp = try TemporaryLibrary()
        let paper = try temp.library.add(draft("Shared")).paperID
        let path = temp.path
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    let lib = try Library(path: path)
                    for i in 0..<50 { try lib.addNote(to: paper, body: "writer \(writer) note \(i)") }
                }
            }
            try await group.waitForAll()
        }
        let bodies = Set(try temp.library.notes(of: paper).map(\.body))
        #expect(bodies.count == 200)
        #expect(try temp.library.searchIndexIsConsistent())
    }

    @Test func restoringAnOlderBackupKeepsNewerEditsAndTheIndexExact() throws {
        let temp = try TemporaryLibrary()
        try fill(temp.library)
        let backup = try ReaderBackup.read(try records(temp.library), file: "old.json")
        let paper = try temp.library.resolve("hostile").id
        try temp.library.setStatus(.dropped, of: paper)
        try temp.library.tag(paper, removing: [try TagName("ml")])
        let note = try temp.library.addNote(to: paper, body: "written after the backup")
        let report = try temp.library.restore(backup)
        #expect(report.created == 0 && report.updated == 0)
        let detail = try #require(try temp.library.detail(paper))
        #expect(detail.paper.status == .dropped)
        #expect(!detail.tags.contains(try TagName("ml")))
        #expect(detail.notes.contains(note))
        #expect(try temp.library.searchIndexIsConsistent())
        #expect(try temp.library.search("written after").map(\.paper.id) == [paper])
    }
}
