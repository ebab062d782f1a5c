import Foundation
import GRDB
import Interchange
import Model
@testable import Storage
import Testing

/// Papers per tag, kept by triggers (`Schema/TagCounts.swift`), always equal the
/// count from the memberships, whatever happened and in whatever order.
@Suite struct TagCountTests {
    static func recounted(_ library: Library) throws -> [String: Int] {
        try library.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT t.name, c.papers FROM (\(TagCounts.recount)) c JOIN tag t ON t.id = c.tag_id") {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

    static func kept(_ library: Library) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try library.tagCounts().map { ($0.tag.value, $0.papers) })
    }

    @Test func countsFollowTaggingTrashRestorePurgeAndSyncInAnyOrder() throws {
        let count = ProcessInfo.processInfo.environment["TAG_COUNT_SEEDS"].flatMap(Int.init) ?? 8
        for seed in (0..<UInt64(count)).map({ 0x7A6C_0000 + $0 }) {
            let temporary = try TemporaryLibrary()
            try BackupRoundTripTests.fill(temporary.library, seed: seed, operations: 150)
            #expect(try Self.kept(temporary.library) == Self.recounted(temporary.library), "TAG_COUNT_SEED=\(seed)")
            #expect(try temporary.library.read(TagCounts.isConsistent), "TAG_COUNT_SEED=\(seed)")
            // A restore writes every row anew through the same triggers.
            let text = try BackupRoundTripTests.backup(temporary.library)
            let target = try TemporaryLibrary()
            try target.library.restore(try ReaderBackup.read(text, file: "b.json"))
            #expect(try Self.kept(target.library) == Self.recounted(target.library), "TAG_COUNT_SEED=\(seed) after a restore")
        }
    }

    @Test func aMembershipThatArrivesBeforeItsPaperCountsWhenThePaperComes() throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let hlc = HLC(millis: 1_800_000_000_000, counter: 0, node: NodeID(rawValue: 0xBEEF))
        let paper = UUID(parsing: "0b0e5b5e-0000-4000-8000-000000000001")!
        let tag = try TagName("arrives-first")
        let tagID = StableID.tag(tag)
        try library.merge([
            SyncRecord(entity: .tag, id: tagID.lowercased, fields: ["name": Stamped(.string(tag.value), at: hlc)]),
            SyncRecord(entity: .paperTag, id: StableID.paperTag(paper: paper, tag: tagID).lowercased, fields: [
                "paper_id": Stamped(.string(paper.lowercased), at: hlc), "tag_id": Stamped(.string(tagID.lowercased), at: hlc),
                "present": Stamped(.bool(true), at: hlc),
            ]),
        ])
        #expect(try Self.kept(library).isEmpty, "no paper yet: nothing to count")
        try library.merge([SyncRecord(entity: .paper, id: paper.lowercased, fields: [
            "title": Stamped(.string("A paper that came second"), at: hlc), "status": Stamped(.string("inbox"), at: hlc),
            "trashed": Stamped(.bool(false), at: hlc), "added_at": Stamped(.int(1_800_000_000_000), at: hlc),
        ])])
        #expect(try Self.kept(library) == ["arrives-first": 1])
        try library.trash([paper])
        #expect(try Self.kept(library).isEmpty)
        try library.restore([paper])
        #expect(try Self.kept(library) == ["arrives-first": 1])
        try library.purge([paper])
        #expect(try Self.kept(library).isEmpty)
        #expect(try library.read(TagCounts.isConsistent))
    }

    @Test func doctorFindsWrongCountsAndRepairCountsAgain() throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let id = try library.add(draft("Krylov subspace recycling")).paperID
        try library.tag(id, adding: [try TagName("pde")])
        try library.dbQueue.write { db in try db.execute(sql: "UPDATE tag_count SET papers = 7") }
        #expect(try library.tagCounts().first?.papers == 7)
        let found = try library.checkHealth(repair: false)
        #expect(!found.tagCountsOK && !found.isHealthy)
        let repaired = try library.checkHealth(repair: true)
        #expect(repaired.tagCountsRepaired && repaired.isHealthy)
        #expect(try Self.kept(library) == ["pde": 1])
    }
}

extension TagCountTests {
    @Test func aLargeImportCountsEveryTagOnceAtItsEnd() throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let three = try TagName("three"), other = try TagName("other"), all = try TagName("all")
        let drafts = (0..<(ChangeWriter.tagCountRowLimit + 500)).map { index in
            var paper = draft("Paper number \(index) on operators")
            paper.tags = [index % 3 == 0 ? three : other, all]
            return paper
        }
        _ = try library.importPapers(drafts)
        let expected = ["all": drafts.count, "three": (drafts.count + 2) / 3, "other": drafts.count - (drafts.count + 2) / 3]
        #expect(try Self.kept(library) == expected)
        #expect(try Self.recounted(library) == expected)
    }
}
