import Foundation
import GRDB
import Model
import Testing
@testable import Storage

@Suite("The stamped write path")
struct WritePathTests {
    func clocks(_ library: Library, _ entity: Entity, _ id: String) throws -> [String: HLC] {
        try library.read { db in try #require(try StoredRecord.fetch(db, entity: entity, id: id)).clocks }
    }

    func outbox(_ library: Library) throws -> [String: String] {
        try library.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT entity, id, fields FROM outbox").map {
                ("\($0["entity"] as String)/\($0["id"] as String)", $0["fields"] as String)
            })
        }
    }

    @Test func everyChangedFieldIsStampedAndQueuedInTheSameTransaction() throws {
        let temp = try TemporaryLibrary()
        let lib = temp.library
        let added = try lib.add(draft("A paper", arxiv: "2405.12345v2", abstract: "Text."))
        let id = added.paperID.lowercased
        let first = try clocks(lib, .paper, id)
        #expect(Set(first.keys) == ["title", "abstract", "arxiv_id", "arxiv_version", "added_at", "status", "trashed"])
        #expect(Set(first.values).count == 1, "one write, one clock")
        #expect(try outbox(lib)["paper/\(id)"] == "abstract,added_at,arxiv_id,arxiv_version,status,title,trashed")

        try lib.setStatus(.read, of: added.paperID, rating: 5)
        let second = try clocks(lib, .paper, id)
        #expect(second["status"]! > first["status"]!)
        #expect(second["read_at"] == second["status"])
        #expect(second["rating"] == second["status"])
        #expect(second["title"] == first["title"], "unchanged fields keep their clock")
        let node = try lib.nodeID
        #expect(second["status"]!.node == node)
        #expect(try lib.lastClock == second["status"])
    }

    @Test func writingTheSameValueAgainChangesNothing() throws {
        let temp = try TemporaryLibrary()
        let added = try temp.library.add(draft("Same"))
        try temp.library.setStatus(.queued, of: added.paperID)
        let before = try clocks(temp.library, .paper, added.paperID.lowercased)
        let lastBefore = try temp.library.lastClock
        try temp.library.setStatus(.queued, of: added.paperID)
        #expect(try clocks(temp.library, .paper, added.paperID.lowercased) == before)
        #expect(try temp.library.lastClock == lastBefore)
    }

    @Test func theClockNeverGoesBackwardsEvenWhenTheSystemClockDoes() throws {
        let wall = ManualClock(1_800_000_000_000)
        let temp = try TemporaryLibrary(wallClock: wall.now)
        let paper = try temp.library.add(draft("Clocked")).paperID
        var previous = try #require(try temp.library.lastClock)
        for (step, millis) in [1_800_000_000_000, 1_700_000_000_000, 1_799_999_999_999, 0, 1_800_000_000_500].enumerated() {
            wall.set(Int64(millis))
            // A fresh Library each time: the clock must come back from the database.
            let reopened = try Library(path: temp.path, wallClock: wall.now)
            try reopened.addNote(to: paper, body: "note \(step)")
            let now = try #require(try reopened.lastClock)
            #expect(now > previous, "step \(step): \(now) after \(previous)")
            previous = now
        }
    }

    @Test func pendingChangesCoalescePerFieldAndCarryTheLatestValue() throws {
        let temp = try TemporaryLibrary()
        let paper = try temp.library.add(draft("Coalesce")).paperID
        try temp.library.setStatus(.queued, of: paper)
        try temp.library.setStatus(.reading, of: paper)
        let changes = try temp.library.pendingChanges().map(\.change).filter { $0.entity == .paper }
        let status = changes.filter { $0.field == "status" }
        #expect(status.count == 1)
        #expect(status.first?.value == .string("reading"))
        #expect(try temp.library.pendingChangeCount() == 1)
    }

    @Test func tagsAreRecordsWithDeterministicIdsAndMembershipsArePresentFlags() throws {
        let temp = try TemporaryLibrary()
        let paper = try temp.library.add(draft("Tagged")).paperID
        let ml = try TagName("ML")
        #expect(try temp.library.tag(paper, adding: [ml, try TagName("nlp")]) == [try TagName("ml"), try TagName("nlp")])
        #expect(try temp.library.tag(paper, removing: [ml]) == [try TagName("nlp")])
        let membership = StableID.paperTag(paper: paper, tag: StableID.tag(ml)).lowercased
        let record = try temp.library.read { db in try StoredRecord.fetch(db, entity: .paperTag, id: membership) }
        #expect(record?.values["present"] == .bool(false))
        #expect(try temp.library.read { db in try StoredRecord.fetch(db, entity: .tag, id: StableID.tag(ml).lowercased) }?.values["name"] == .string("ml"))
    }

    @Test func aBadRecordInAMergeLeavesNothingWritten() throws {
        let temp = try TemporaryLibrary()
        let hlc = HLC(millis: 1, counter: 0, node: NodeID(rawValue: 9))
        let good = SyncRecord(entity: .paper, id: "00000000-0000-5000-8000-000000000001", fields: ["title": Stamped(.string("ok"), at: hlc)])
        let bad = SyncRecord(entity: .paper, id: "00000000-0000-5000-8000-000000000002", fields: ["title": Stamped(.int(3), at: hlc)])
        #expect(throws: StorageError.self) { try temp.library.merge([good, bad]) }
        #expect(try temp.library.list().isEmpty)
        #expect(try temp.library.pendingChangeCount() == 0)
    }

    @Test func mergeKeepsTheNewerValueOfEachField() throws {
        let temp = try TemporaryLibrary()
        let id = "00000000-0000-5000-8000-000000000001"
        let node = NodeID(rawValue: 9)
        let old = HLC(millis: 100, counter: 0, node: node), new = HLC(millis: 200, counter: 0, node: node)
        try temp.library.merge([SyncRecord(entity: .paper, id: id, fields: ["title": Stamped(.string("new"), at: new), "status": Stamped(.string("read"), at: old)])])
        let report = try temp.library.merge([SyncRecord(entity: .paper, id: id, fields: ["title": Stamped(.string("old"), at: old), "status": Stamped(.string("queued"), at: new)])])
        #expect(report.updated == 1)
        let paper = try #require(try temp.library.paper(UUID(uuidString: id)!))
        #expect(paper.title == "new")
        #expect(paper.status == .queued)
        #expect(try temp.library.lastClock.map { $0 >= new } == true, "receiving ratchets the clock")
    }

    @Test func oneMergeThatUpdatesOldPapersAndAddsNewOnesKeepsTheIndexExact() throws {
        let temp = try TemporaryLibrary()
        let old = try temp.library.add(draft("Alpha paper")).paperID.lowercased
        let node = NodeID(rawValue: 7)
        let future = HLC(millis: 9_000_000_000_000, counter: 0, node: node)
        let newPaper = "00000000-0000-5000-8000-000000000009"
        try temp.library.merge([
            SyncRecord(entity: .paper, id: newPaper, fields: ["title": Stamped(.string("Gamma paper"), at: future)]),
            SyncRecord(entity: .paper, id: old, fields: ["title": Stamped(.string("Beta paper"), at: future)]),
            SyncRecord(entity: .note, id: "00000000-0000-7000-8000-000000000001", fields: [
                "paper_id": Stamped(.string(newPaper), at: future), "body": Stamped(.string("delta note"), at: future)]),
        ])
        #expect(try temp.library.searchIndexIsConsistent())
        #expect(try temp.library.search("alpha").isEmpty)
        #expect(try temp.library.search("beta").map(\.paper.id.lowercased) == [old])
        #expect(try temp.library.search("gamma delta").map(\.paper.id.lowercased) == [newPaper])
    }
}
