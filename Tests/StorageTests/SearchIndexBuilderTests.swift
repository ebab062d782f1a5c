import Foundation
import Model
import Testing
@testable import Storage

@Suite("The search index built beside a first sync")
struct SearchIndexBuilderTests {
    /// A library filled the way a first sync fills one: its search index deferred.
    static func deferredLibrary() throws -> TemporaryLibrary {
        let temp = try TemporaryLibrary()
        try temp.library.dbQueue.write { db in try Schema.setMeta(db, Schema.searchIndexDeferredKey, "1") }
        return temp
    }

    @Test func papersChangedAfterTheyWereIndexedAreFoundByTheirFinalText() throws {
        let temp = try Self.deferredLibrary()
        let library = temp.library
        let builder = try #require(try library.buildingSearchIndexAlongside(papersPerCatchUp: 1))
        var papers: [UUID] = []
        for i in 0..<30 { papers.append(try library.add(draft("Krylov methods, part \(i)")).paperID) }
        builder.catchUp()
        builder.waitForCatchUp()
        // Each paper below is in the builder's index with its first text.
        try library.update(papers[0], ["title": .string("Multigrid smoothers")])
        _ = try library.addNote(to: papers[1], body: "compare with preconditioners")
        _ = try library.tag(papers[2], adding: [try TagName("numerics")])
        try library.trash([papers[3]])
        // The last paper's rowid goes to the next paper stored.
        try library.purge([papers[29]])
        _ = try library.add(draft("Sparse direct solvers"))
        builder.catchUp()
        for i in 0..<5 { _ = try library.add(draft("Domain decomposition \(i)")) }

        try library.finishSearchIndex(builtBy: builder)

        #expect(try library.searchIndexIsConsistent())
        #expect(try library.search("multigrid").map(\.paper.id) == [papers[0]])
        #expect(try library.search("preconditioners").map(\.paper.id) == [papers[1]])
        #expect(try library.search("tag:numerics").map(\.paper.id) == [papers[2]])
        #expect(try library.search("krylov", limit: 100).count == 27, "renamed, trashed and purged papers are not found by their old title")
        #expect(try library.search("sparse").count == 1)
        #expect(try library.search("decomposition").count == 5)
        #expect(!FileManager.default.fileExists(atPath: SearchIndexBuilder.scratchPath(of: library)))
        // The deferral is over: the next write indexes its paper at once.
        _ = try library.add(draft("Algebraic multigrid"))
        #expect(try library.search("multigrid").count == 2)
        #expect(try library.searchIndexIsConsistent())
    }

    @Test func aDiscardedBuilderLeavesTheIndexToBeRebuiltWhenTheLibraryOpens() throws {
        let temp = try Self.deferredLibrary()
        let builder = try #require(try temp.library.buildingSearchIndexAlongside(papersPerCatchUp: 1))
        for i in 0..<10 { _ = try temp.library.add(draft("Krylov methods, part \(i)")) }
        builder.catchUp()
        builder.discard()
        #expect(!FileManager.default.fileExists(atPath: SearchIndexBuilder.scratchPath(of: temp.library)))
        #expect(try !temp.library.searchIndexIsConsistent())
        let reopened = try Library(path: temp.path)
        #expect(try reopened.searchIndexIsConsistent())
        #expect(try reopened.search("krylov").count == 10)
    }
}
