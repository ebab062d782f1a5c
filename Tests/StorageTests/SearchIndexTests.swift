import Foundation
import Model
import Testing
@testable import Storage

@Suite("Full-text search")
struct SearchIndexTests {
    /// Words used to build texts; searching each must find exactly the papers whose
    /// current, visible text contains it.
    static let vocabulary = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]

    struct Model {
        var titles: [UUID: String] = [:]
        var notes: [UUID: (paper: UUID, body: String)] = [:]
        var highlights: [UUID: (paper: UUID, text: String)] = [:]
        var tags: [UUID: Set<String>] = [:]
        var trashed: Set<UUID> = []

        func expected(_ word: String, inTrash: Bool) -> Set<UUID> {
            Set(titles.keys.filter { paper in
                guard trashed.contains(paper) == inTrash else { return false }
                if titles[paper]!.split(separator: " ").contains(Substring(word)) { return true }
                if tags[paper, default: []].contains(word) { return true }
                if notes.values.contains(where: { $0.paper == paper && $0.body.split(separator: " ").contains(Substring(word)) }) { return true }
                return highlights.values.contains { $0.paper == paper && $0.text.split(separator: " ").contains(Substring(word)) }
            })
        }
    }

    @Test(arguments: [1, 2, 3])
    func theIndexStaysExactThroughEditsDeletesAndRestores(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        print("search index exactness: seed \(seed)")
        let temp = try TemporaryLibrary()
        let lib = temp.library
        var model = Model()
        func words(_ n: Int) -> String { (0..<n).map { _ in Self.vocabulary[Int(random.next() % 10)] }.joined(separator: " ") }
        for step in 0..<300 {
            let papers = Array(model.titles.keys).sorted { $0.uuidString < $1.uuidString }
            let paper = papers.isEmpty ? nil : papers[Int(random.next() % UInt64(papers.count))]
            switch (random.next() % 9, paper) {
            case (0, _), (_, nil):
                let title = words(3) + " p\(step)"
                let id = try lib.add(draft(title)).paperID
                model.titles[id] = title
            case (1, let paper?):
                let title = words(2) + " p\(step)"
                try lib.update(paper, ["title": .string(title)])
                model.titles[paper] = title
            case (2, let paper?):
                let note = try lib.addNote(to: paper, body: words(4))
                model.notes[note.id] = (paper, note.body)
            case (3, let paper?):
                if let (id, note) = model.notes.first(where: { $0.value.paper == paper }) {
                    let body = words(3)
                    try lib.editNote(id, body: body)
                    model.notes[id] = (note.paper, body)
                }
            case (4, _):
                if let id = model.notes.keys.sorted(by: { $0.uuidString < $1.uuidString }).first {
                    try lib.removeNote(id)
                    model.notes[id] = nil
                }
            case (5, let paper?):
                let tag = Self.vocabulary[Int(random.next() % 10)]
                if random.next() % 2 == 0 {
                    try lib.tag(paper, adding: [try TagName(tag)])
                    model.tags[paper, default: []].insert(tag)
                } else {
                    try lib.tag(paper, removing: [try TagName(tag)])
                    model.tags[paper, default: []].remove(tag)
                }
            case (6, let paper?):
                try lib.trash([paper])
                model.trashed.insert(paper)
            case (7, let paper?):
                try lib.restore([paper])
                model.trashed.remove(paper)
            case (8, let paper?):
                let h = try lib.addHighlight(to: paper, text: words(2), page: 1)
                if random.next() % 3 == 0 { try lib.removeHighlight(h.id) } else { model.highlights[h.id] = (paper, h.text) }
            default: break
            }
        }
        for word in Self.vocabulary {
            for inTrash in [false, true] {
                var query = try SearchQuery(word)
                query.inTrash = inTrash
                let found = Set(try lib.search(query, limit: 10_000).map(\.paper.id))
                #expect(found == model.expected(word, inTrash: inTrash), "seed \(seed), word \(word), trash \(inTrash)")
            }
        }
        #expect(try lib.searchIndexIsConsistent(), "seed \(seed)")
    }

    @Test func anImportOfThousandsIsIndexedInBulkAndLeavesFTS5sBufferAsItWas() throws {
        let temp = try TemporaryLibrary()
        let count = Int(ChangeWriter.bulkIndexing) + 1
        let report = try temp.library.importPapers((0..<count).map { draft("Bulk paper \($0)", abstract: $0 == 4_321 ? "a zymurgical abstract" : nil) })
        #expect(report.added == count)
        #expect(try temp.library.search("zymurgical").map(\.paper.title) == ["Bulk paper 4321"])
        #expect(try temp.library.searchIndexIsConsistent())
        let hashsize = try temp.library.read { db in try Int.fetchOne(db, sql: "SELECT v FROM paper_fts_config WHERE k = 'hashsize'") }
        #expect(hashsize == 1_048_576)
    }

    @Test func resultsAreRankedAndSnippetsMarkTheMatch() throws {
        let temp = try TemporaryLibrary()
        let inTitle = try temp.library.add(draft("Krylov recycling for operators", abstract: "Unrelated words here.")).paperID
        let inAbstract = try temp.library.add(draft("Something else", abstract: "We mention Krylov once in a long abstract about other things entirely.")).paperID
        let hits = try temp.library.search("krylov")
        #expect(hits.map(\.paper.id) == [inTitle, inAbstract])
        #expect(hits[0].snippet(open: "[", close: "]").contains("[Krylov]"))
        #expect(hits[1].snippet(open: "<", close: ">").contains("mention <Krylov> once"))
    }

    @Test func filtersNarrowTheResults() throws {
        let temp = try TemporaryLibrary()
        let lib = temp.library
        var a = draft("Transformers for proteins", authors: ["Ada Lovelace"]); a.year = 2021; a.codeURL = "https://github.com/x/y"
        var b = draft("Transformers for images", authors: ["Grace Hopper"]); b.year = 2024
        let idA = try lib.add(a).paperID, idB = try lib.add(b).paperID
        try lib.tag(idA, adding: [try TagName("bio")])
        try lib.setStatus(.read, of: idB)
        try lib.addNote(to: idB, body: "nice")
        func ids(_ q: String) throws -> Set<UUID> { Set(try lib.search(q).map(\.paper.id)) }
        #expect(try ids("transformers") == [idA, idB])
        #expect(try ids("transformers tag:bio") == [idA])
        #expect(try ids("transformers -tag:bio") == [idB])
        #expect(try ids("status:read") == [idB])
        #expect(try ids("transformers year:2020..2022") == [idA])
        #expect(try ids("author:hopper") == [idB])
        #expect(try ids("has:code") == [idA])
        #expect(try ids("has:notes") == [idB])
        #expect(try ids("transformers -proteins") == [idB])
        #expect(try ids("-images") == [idA])
        #expect(try ids("\"for images\"") == [idB])
        #expect(try ids("transf*") == [idA, idB])
        #expect(try ids("nice") == [idB], "notes are searched")
    }

    @Test(arguments: ["NOT", "\"", "a OR", "(((", "col:umn", "*", "^x", "NEAR(a b)", "'; DROP TABLE paper; --", "\u{0}", "\"unclosed phrase", "title:x", "-", "- -", "🙂", "e\u{301}"])
    func anyTextSearchesWithoutError(text: String) throws {
        let temp = try TemporaryLibrary()
        try temp.library.add(draft("NOT a paper about NEAR things", abstract: "col umn title x"))
        _ = try temp.library.search(text)
        _ = try temp.library.list(try SearchQuery(text))
    }

    @Test func doctorFindsADamagedIndexAndRepairsIt() throws {
        let temp = try TemporaryLibrary()
        let id = try temp.library.add(draft("Damaged", abstract: "Indexed words.")).paperID
        try temp.library.add(draft("Intact"))
        #expect(try temp.library.checkHealth(repair: false).isHealthy)
        try temp.library.damageSearchIndex(paperID: id)
        let found = try temp.library.checkHealth(repair: false)
        #expect(!found.searchIndexOK)
        #expect(!found.isHealthy)
        let repaired = try temp.library.checkHealth(repair: true)
        #expect(repaired.searchIndexRepaired)
        #expect(try temp.library.searchIndexIsConsistent())
        #expect(try temp.library.search("indexed").map(\.paper.id) == [id])
    }
}
