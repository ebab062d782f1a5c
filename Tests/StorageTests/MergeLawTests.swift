import Foundation
import Interchange
import Model
import Testing
import TestSupport
@testable import Storage

/// The merge laws the sync design relies on: applying the same field changes in
/// any order, any number of times, gives byte-identical libraries.
@Suite("Merge laws")
struct MergeLawTests {
    static let ids = (1...4).map { String(format: "00000000-0000-5000-8000-%012d", $0) }

    /// `count` field changes with distinct clocks over a few records of each entity.
    static func changes(count: Int, seed: UInt64) -> [SyncRecord] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let entity = Entity.allCases[Int(random.next() % UInt64(Entity.allCases.count))]
            let field = entity.fields[Int(random.next() % UInt64(entity.fields.count))]
            // Few distinct milliseconds, so that ties are broken by counter and node.
            let hlc = HLC(millis: 1_700_000_000_000 + random.next() % 5, counter: UInt16(i), node: NodeID(rawValue: random.next() % 3))
            return SyncRecord(entity: entity, id: ids[Int(random.next() % UInt64(ids.count))],
                              fields: [field.name: Stamped(RandomFieldValue.value(entity, field, &random), at: hlc)])
        }
    }

    static func dump(_ library: Library) throws -> String {
        var writer = ReaderBackup.Writer(output: "")
        try library.forEachRecord { writer.write($0) }
        return writer.finish()
    }

    @Test(arguments: 0..<20)
    func anyOrderAndAnyDuplicatesGiveTheSameLibrary(case number: Int) throws {
        let seed = 0x5EED_0000 + UInt64(number)
        let changes = Self.changes(count: 200, seed: seed)
        var random = SplitMix64(seed: seed ^ 0xFFFF)
        var shuffled = changes.shuffled(using: &random)
        shuffled += (0..<50).map { _ in changes[Int(random.next() % UInt64(changes.count))] }
        shuffled.shuffle(using: &random)

        let inOrder = try TemporaryLibrary(), scrambled = try TemporaryLibrary(), inBatches = try TemporaryLibrary()
        try inOrder.library.merge(changes)
        try scrambled.library.merge(shuffled)
        for batch in stride(from: 0, to: shuffled.count, by: 37).map({ shuffled[$0..<min($0 + 37, shuffled.count)] }) {
            try inBatches.library.merge(batch)
        }
        let expected = try Self.dump(inOrder.library)
        #expect(try Self.dump(scrambled.library) == expected, "seed \(seed): order or duplicates changed the result")
        #expect(try Self.dump(inBatches.library) == expected, "seed \(seed): batching changed the result")
        #expect(try scrambled.library.searchIndexIsConsistent(), "seed \(seed)")
        // Merging everything again changes nothing.
        let again = try scrambled.library.merge(changes)
        #expect(again.created == 0 && again.updated == 0, "seed \(seed): merging twice is not idempotent")
    }
}

/// Status, read date and rating belong together: after any exchange of edits the
/// three agree on every replica (a rating and a read date only with `read`).
@Suite("The status group")
struct StatusGroupTests {
    static func exchange(_ a: Library, _ b: Library) throws {
        var records: [SyncRecord] = []
        try a.forEachRecord { records.append($0) }
        try b.merge(records)
        records = []
        try b.forEachRecord { records.append($0) }
        try a.merge(records)
    }

    @Test func readWithARatingHereAndDroppedLaterThereEndsDroppedWithNeither() throws {
        let clockA = ManualClock(1_800_000_000_000), clockB = ManualClock(1_800_000_000_000)
        let a = try TemporaryLibrary(wallClock: clockA.now), b = try TemporaryLibrary(wallClock: clockB.now)
        let paper = try a.library.add(draft("Shared paper")).paperID
        try Self.exchange(a.library, b.library)
        clockA.set(1_800_000_010_000)
        try a.library.setStatus(.read, of: paper, rating: 4)
        clockB.set(1_800_000_020_000)
        try b.library.setStatus(.dropped, of: paper)
        try Self.exchange(a.library, b.library)
        for library in [a.library, b.library] {
            let stored = try #require(try library.paper(paper))
            #expect(stored.status == .dropped && stored.rating == nil && stored.readAt == nil)
        }
        // The other way round: the later `read` wins the whole group.
        clockA.set(1_800_000_030_000)
        try a.library.setStatus(.read, of: paper, rating: 5)
        clockB.set(1_800_000_025_000)
        try b.library.setStatus(.queued, of: paper)
        try Self.exchange(a.library, b.library)
        for library in [a.library, b.library] {
            let stored = try #require(try library.paper(paper))
            #expect(stored.status == .read && stored.rating == 5 && stored.readAt != nil)
        }
    }

    @Test(arguments: 0..<30)
    func anyInterleavingOfStatusEditsLeavesTheGroupConsistent(seed: Int) throws {
        var random = SplitMix64(seed: 0x57A7_0000 + UInt64(seed))
        let clockA = ManualClock(1_800_000_000_000), clockB = ManualClock(1_800_000_000_000)
        let a = try TemporaryLibrary(wallClock: clockA.now), b = try TemporaryLibrary(wallClock: clockB.now)
        let paper = try a.library.add(draft("Shared paper")).paperID
        try Self.exchange(a.library, b.library)
        for step in 0..<12 {
            let (library, clock) = random.next() % 2 == 0 ? (a.library, clockA) : (b.library, clockB)
            let jitter = Int64(random.next() % 2000)
            clock.set(1_800_000_000_000 + Int64(step) * 1000 + jitter)
            let status = ReadingStatus.allCases[Int(random.next() % UInt64(ReadingStatus.allCases.count))]
            try library.setStatus(status, of: paper, rating: status == .read && random.next() % 2 == 0 ? Int(random.next() % 5) + 1 : nil)
            if random.next() % 3 == 0 { try Self.exchange(a.library, b.library) }
        }
        try Self.exchange(a.library, b.library)
        let first = try #require(try a.library.paper(paper)), second = try #require(try b.library.paper(paper))
        #expect(first.status == second.status && first.rating == second.rating && first.readAt == second.readAt, "seed \(seed): replicas differ")
        if first.status == .read {
            #expect(first.readAt != nil, "seed \(seed): read without a read date")
        } else {
            #expect(first.rating == nil && first.readAt == nil, "seed \(seed): \(first.status) with a rating or read date")
        }
    }
}
