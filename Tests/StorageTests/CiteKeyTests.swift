import Foundation
import GRDB
import Model
import Testing
@testable import Storage

@Suite("Citation keys in the library")
struct LibraryCiteKeyTests {
    @Test func everyPaperGetsAKeyNoOtherPaperHasAtItsFirstExport() throws {
        let temp = try TemporaryLibrary()
        var drafts: [PaperDraft] = []
        for i in 0..<30 {
            var d = draft("Attention Variant \(i)", authors: ["Ashish Vaswani"])
            d.year = 2017
            drafts.append(d)
        }
        _ = try temp.library.importPapers(drafts)
        #expect(try temp.library.list(SearchQuery()).compactMap(\.paper.citeKey).isEmpty, "generated keys are provisional until the first export")
        let first = try #require(try temp.library.list(SearchQuery()).first?.paper.id)
        #expect(try temp.library.detail(first)?.provisionalCiteKey == "vaswani2017attention")
        #expect(try temp.library.assignCiteKeys() == 30)
        let keys = try temp.library.list(SearchQuery()).compactMap(\.paper.citeKey)
        #expect(keys.count == 30)
        #expect(Set(keys.map { $0.lowercased() }).count == 30)
        #expect(keys.contains("vaswani2017attention") && keys.contains("vaswani2017attentiona"))
    }

    @Test func aSourceKeyIsKeptWhenFreeAndAKeyNeverChangesOnceGiven() throws {
        let temp = try TemporaryLibrary()
        var first = draft("Attention Is All You Need", arxiv: "1706.03762", authors: ["Ashish Vaswani"])
        first.citeKey = "Vaswani:2017"
        let added = try temp.library.add(first)
        var clash = draft("Another Paper", authors: ["Someone Else"])
        clash.citeKey = "vaswani:2017"  // taken, compared without case
        clash.year = 2020
        let other = try temp.library.add(clash)
        #expect(try temp.library.paper(added.paperID)?.citeKey == "Vaswani:2017")
        #expect(try temp.library.paper(other.paperID)?.citeKey == nil, "a taken source key is not used; the generated one waits for the export")
        try temp.library.assignCiteKeys()
        #expect(try temp.library.paper(other.paperID)?.citeKey == "else2020another")

        // Completing the paper's metadata, or importing it with another key, keeps its key.
        var again = draft("Attention Is All You Need", arxiv: "1706.03762", authors: ["Ashish Vaswani"])
        again.citeKey = "attention"
        again.year = 2017
        try temp.library.add(again)
        try temp.library.update(added.paperID, ["title": .string("Attention Is All You Need (v7)")])
        #expect(try temp.library.paper(added.paperID)?.citeKey == "Vaswani:2017")
    }

    @Test func twoPapersSharingAKeyAfterASyncExportUnderDistinctKeys() throws {
        let clock = ManualClock(1_700_000_000_000)
        let temp = try TemporaryLibrary(wallClock: clock.now)
        let first = try temp.library.add(draft("First paper", authors: ["Ada Lovelace"]))
        clock.set(1_700_000_001_000)
        let second = try temp.library.add(draft("Second paper", authors: ["Grace Hopper"]))
        try temp.library.assignCiteKeys()
        #expect(try temp.library.citeKeyRenames().isEmpty)
        // Another machine gave the second paper the same key before the two synced.
        let key = try #require(try temp.library.paper(first.paperID)?.citeKey)
        try temp.library.update(second.paperID, ["cite_key": .string(key.uppercased())])
        let renames = try temp.library.citeKeyRenames()
        #expect(renames == [second.paperID: key.uppercased() + "-" + second.paperID.lowercased.prefix(8)], "the paper added first keeps the key")
        #expect(try temp.library.paper(second.paperID)?.citeKey == key.uppercased(), "the stored key is not changed")
    }

    @Test func aLibraryFromBeforeKeysIsUpgradedAndItsPapersGetKeysInAddedOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-v1-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("library.sqlite").path
        do {
            // A version 1 library with two papers, written as version 1 wrote them.
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v1: library")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO meta VALUES ('node_id', '00112233445566ff'); PRAGMA user_version = 1")
                for (i, title) in ["Deep Residual Learning", "Deep Residual Networks"].enumerated() {
                    try db.execute(sql: """
                        INSERT INTO paper (id, title, authors, year, added_at, status, trashed, clocks, changed_at)
                        VALUES (?, ?, '["Kaiming He"]', 2016, ?, 'inbox', 0, '{}', 0)
                        """, arguments: [UUID().uuidString.lowercased(), title, 1000 + i])
                }
                try db.execute(sql: "INSERT INTO paper_fts(rowid, \(Schema.searchColumns)) SELECT rowid, \(Schema.searchColumns) FROM paper_search_source")
            }
        }
        let library = try Library(path: path)
        #expect(try library.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
        #expect(try library.assignCiteKeys() == 2)
        #expect(try library.assignCiteKeys() == 0)
        let keys = Dictionary(uniqueKeysWithValues: try library.list(SearchQuery()).map { ($0.paper.title, $0.paper.citeKey) })
        #expect(keys["Deep Residual Learning"] == "he2016deep")
        #expect(keys["Deep Residual Networks"] == "he2016deepa")
        // The keys are synced changes.
        #expect(try library.pendingChanges(after: 0).count >= 2)
    }
}

@Suite("Lookups and request pacing")
struct LookupQueueTests {
    @Test func requestsToAServiceAreSpacedByItsIntervalAcrossCallers() throws {
        let clock = ManualClock(10_000_000)
        let temp = try TemporaryLibrary(wallClock: clock.now)
        #expect(try temp.library.reserveRequestSlot(for: "arxiv", every: .seconds(3)) == .zero)
        #expect(try temp.library.reserveRequestSlot(for: "arxiv", every: .seconds(3)) == .milliseconds(3000))
        #expect(try temp.library.reserveRequestSlot(for: "arxiv", every: .seconds(3)) == .milliseconds(6000))
        #expect(try temp.library.reserveRequestSlot(for: "crossref", every: .seconds(3)) == .zero, "each service has its own pace")
        // Another process on the same library keeps the same pace.
        let other = try Library(path: temp.path, wallClock: clock.now)
        #expect(try other.reserveRequestSlot(for: "arxiv", every: .seconds(3)) == .milliseconds(9000))
        clock.set(10_000_000 + 20_000)
        #expect(try temp.library.reserveRequestSlot(for: "arxiv", every: .seconds(3)) == .zero)
        // A wall clock moved back an hour does not make the next request wait an hour.
        clock.set(10_000_000 - 3_600_000)
        #expect(try temp.library.reserveRequestSlot(for: "arxiv", every: .seconds(3)) == .zero)
    }

    @Test func aPaperAddedWithoutMetadataWaitsUntilALookupCompletesIt() throws {
        let temp = try TemporaryLibrary()
        var bare = PaperDraft()
        bare.arxiv = ArXivID("1706.03762")
        let added = try temp.library.add(bare, needingLookup: true)
        try temp.library.tag(added.paperID, adding: [TagName("to-read")])
        try temp.library.lookupFailed(added.paperID, reason: "timed out")
        let pending = try temp.library.pendingLookups()
        #expect(pending.map(\.paper.id) == [added.paperID] && pending.first?.attempts == 1 && pending.first?.lastError == "timed out")
        var fetched = draft("Attention Is All You Need", arxiv: "1706.03762v7", abstract: "The dominant models.", authors: ["Ashish Vaswani"])
        fetched.categories = ["cs.CL"]
        try temp.library.completeLookup(of: added.paperID, with: fetched)
        #expect(try temp.library.pendingLookups().isEmpty)
        let detail = try #require(try temp.library.detail(added.paperID))
        #expect(detail.paper.title == "Attention Is All You Need" && detail.paper.categories == ["cs.CL"])
        #expect(detail.tags == [try TagName("to-read")], "user data untouched")
    }
}
