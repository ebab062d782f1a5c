import Foundation
import Lookup
import Model
import Storage
import Testing
import TestSupport

/// What the budget evicts and how search ranks a match inside a paper's file, in process.
@Suite("Offline files: budget and search")
struct OfflineFilesTests {
    /// A stored "file" of `size` distinct bytes, recorded as fetched for a new paper.
    static func fetchedFile(_ temporary: TemporaryLibrary, title: String, size: Int, seed: UInt8) throws -> (Paper, FileStore.StoredFile) {
        let paper = try #require(try temporary.library.paper(try temporary.library.add(PaperDraft(title: title, authors: ["A. B"])).paperID))
        let source = temporary.folder.appendingPathComponent("\(title).bin")
        try Data([UInt8](repeating: seed, count: size)).write(to: source)
        let stored = try temporary.library.files.store(copying: source)
        try temporary.library.attach(stored, to: paper.id, name: nil, sourceURL: "http://127.0.0.1:9/\(seed)", origin: .fetched)
        return (paper, stored)
    }

    @Test func theBudgetEvictsTheLeastRecentlyOpenedFirstAndNeverAPinnedOrWantedOrAttachedFile() throws {
        let clock = ManualClock()
        let temporary = try TemporaryLibrary(wallClock: clock.now)
        let library = temporary.library
        let files = PaperFiles(library: library)
        let (old, oldFile) = try Self.fetchedFile(temporary, title: "Opened Long Ago", size: 1000, seed: 1)
        clock.advance(1000)
        let (recent, recentFile) = try Self.fetchedFile(temporary, title: "Opened Recently", size: 1000, seed: 2)
        clock.advance(1000)
        let (never, neverFile) = try Self.fetchedFile(temporary, title: "Never Opened But New", size: 1000, seed: 3)
        let (pinned, _) = try Self.fetchedFile(temporary, title: "Pinned", size: 1000, seed: 4)
        let (wanted, _) = try Self.fetchedFile(temporary, title: "Queued", size: 1000, seed: 5)
        let mine = try #require(try library.paper(try library.add(PaperDraft(title: "Mine", authors: ["C. D"])).paperID))
        let source = temporary.folder.appendingPathComponent("mine.bin")
        try Data(repeating: 6, count: 1000).write(to: source)
        _ = try files.attach(copying: source, to: mine.id, maxSize: 1 << 20)
        try library.pin([pinned.id])
        try library.setStatus(.queued, of: wanted.id)
        clock.advance(1000)
        try library.noteOpened(oldFile.hash)
        clock.advance(1000)
        try library.noteOpened(recentFile.hash)
        _ = (old, recent, never)

        try library.setOfflineBudget(6000)
        #expect(try files.evictionPlan().files.isEmpty, "6,000 bytes fit")
        try library.setOfflineBudget(4500)
        // Least recently used first: `never` was stored before `old` was opened.
        #expect(try files.evictionPlan().files.map(\.hash) == [neverFile.hash, oldFile.hash])
        try library.setOfflineBudget(0)
        let plan = try files.evictionPlan()
        #expect(plan.files.map(\.hash) == [neverFile.hash, oldFile.hash, recentFile.hash])
        #expect(plan.sizeAfter == 3000, "the pinned, the queued and the attached file stay")
        try files.evict(plan)
        #expect(plan.files.allSatisfy { !library.files.contains($0.hash) })
        #expect(try library.localFiles().count == 3)
    }

    @Test func aLibraryThatSyncsNeverEvictsAFileItsServerDoesNotHoldButMayEvictAnAttachedOneItHolds() throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let files = PaperFiles(library: library)
        let (_, fetched) = try Self.fetchedFile(temporary, title: "Fetched", size: 1000, seed: 1)
        let mine = try #require(try library.paper(try library.add(PaperDraft(title: "Mine", authors: ["C. D"])).paperID))
        let source = temporary.folder.appendingPathComponent("mine.bin")
        try Data(repeating: 2, count: 1000).write(to: source)
        let (_, attached, _) = try files.attach(copying: source, to: mine.id, maxSize: 1 << 20)
        try library.setOfflineBudget(0)
        #expect(try files.evictionPlan().files.map(\.hash) == [fetched.hash], "without a remote, a fetched file can come back from its URL")

        try library.setRemote(SyncRemote(url: "http://127.0.0.1:9/v1/libraries/lab", token: "t"))
        #expect(try files.evictionPlan().files.isEmpty, "no server holds either file yet")
        #expect(Set(try library.filesToUpload().map(\.hash)) == [fetched.hash, attached.hash])
        try library.setEpoch("epoch-1")
        try library.noteOnServer([attached.hash])
        #expect(try files.evictionPlan().files.map(\.hash) == [attached.hash], "the server gives the attached file back")
        #expect(try library.filesToUpload().map(\.hash) == [fetched.hash])
        // Another server (a restore, a new remote): nothing is known to be held any more.
        try library.setEpoch("epoch-2")
        #expect(try files.evictionPlan().files.isEmpty)
        #expect(Set(try library.filesToUpload().map(\.hash)) == [fetched.hash, attached.hash])
    }

    @Test func aMatchInTheMetadataRanksAboveAMatchInsideAFileWhichSaysItsPage() throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let inTitle = try library.add(PaperDraft(title: "Quasicrystal Lattices", authors: ["A. B"])).paperID
        let (inBody, stored) = try Self.fetchedFile(temporary, title: "Something Else Entirely", size: 10, seed: 9)
        var pages = Array(repeating: "filler words on a page", count: 9)
        pages[6] = "here the quasicrystal appears, on page seven only"
        try library.storeText(of: stored.hash, pages: pages, tool: "test")
        let hits = try library.search("quasicrystal")
        #expect(hits.map(\.paper.id) == [inTitle, inBody.id])
        #expect(hits.map(\.page) == [nil, 7])
        #expect(hits.last?.snippet(open: "[", close: "]").contains("[quasicrystal]") == true)
        #expect(try library.search("in:text quasicrystal").map(\.paper.id) == [inBody.id])
        #expect(try library.search("has:text").map(\.paper.id) == [inBody.id])
        // The text stays when the file goes: search still finds the paper.
        library.files.remove(stored.hash)
        try library.forgetFiles([stored.hash])
        #expect(try library.search("in:text quasicrystal").map(\.paper.id) == [inBody.id])
        #expect(try library.list(SearchQuery("has:file")).isEmpty)
    }
}
