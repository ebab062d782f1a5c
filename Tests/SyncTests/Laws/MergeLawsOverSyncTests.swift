import Foundation
import Model
import Storage
import Sync
import SyncServer
import SyncWire
import Testing
import TestSupport

/// The merge laws of the design, on the real code of both sides: random
/// permutations and duplicates of 200 random field changes, applied as pulled
/// pages by a client or pushed to a server, give byte-identical canonical dumps,
/// and the client's dump equals the server's.
///
/// `SYNC_LAW_CASES=N` runs N cases (default 1,000 for the client, a fifth of it
/// for the server); a failure names its seed, which `SYNC_LAW_SEED=S` replays.
@Suite("Merge laws over sync", .tags(.slow), .enabled(if: SlowTests.enabled, SlowTests.skipped))
struct MergeLawsOverSyncTests {
    static let ids = (1...3).map { String(format: "00000000-0000-5000-8000-%012d", $0) }

    static var cases: Int { ProcessInfo.processInfo.environment["SYNC_LAW_CASES"].flatMap(Int.init) ?? 1000 }
    static var seeds: [UInt64] {
        if let seed = ProcessInfo.processInfo.environment["SYNC_LAW_SEED"].flatMap({ UInt64($0) }) { return [seed] }
        return (0..<UInt64(cases)).map { 0x1A55_0000 + $0 }
    }

    /// 200 changes with distinct clocks: plain fields of every entity, purges,
    /// fields and records of kinds this version does not know. Text fields merged
    /// by revision are not last-writer-wins and are tested on their own.
    static func changes(seed: UInt64) -> [PulledChange] {
        var random = SplitMix64(seed: seed)
        var used: Set<HLC> = []
        return (0..<200).map { i in
            let hlc = HLC(millis: 1_790_000_000_000 + random.next() % 7, counter: UInt16(i), node: NodeID(rawValue: 1 + random.next() % 3))
            used.insert(hlc)
            let id = ids[Int(random.next() % UInt64(ids.count))]
            switch random.next() % 20 {
            case 0:
                let entity = [Entity.paper, .note, .highlight][Int(random.next() % 3)]
                return PulledChange(seq: 0, entity: entity.rawValue, id: id, field: Entity.purgedField, value: .bool(true), hlc: hlc)
            case 1:
                return PulledChange(seq: 0, entity: "paper", id: id, field: "future_field", value: .string("v\(i)"), hlc: hlc)
            case 2:
                return PulledChange(seq: 0, entity: "widget", id: id, field: "size", value: .int(Int64(i)), hlc: hlc)
            default:
                let entity = Entity.allCases[Int(random.next() % UInt64(Entity.allCases.count))]
                let fields = entity.fields.filter { !entity.isMergedText($0.name) }
                let field = fields[Int(random.next() % UInt64(fields.count))]
                return PulledChange(seq: 0, entity: entity.rawValue, id: id, field: field.name, value: RandomFieldValue.value(entity, field, &random), hlc: hlc)
            }
        }
    }

    /// The changes shuffled, with 50 duplicates mixed in.
    static func scrambled(_ changes: [PulledChange], seed: UInt64) -> [PulledChange] {
        var random = SplitMix64(seed: seed ^ 0xD0_0D)
        var result = changes.shuffled(using: &random)
        result += (0..<50).map { _ in changes[Int(random.next() % UInt64(changes.count))] }
        result.shuffle(using: &random)
        return result
    }

    /// Applies changes as pulled pages of random sizes.
    static func pull(_ changes: [PulledChange], into library: Library, seed: UInt64) throws {
        var random = SplitMix64(seed: seed ^ 0xBA_6E)
        var start = 0
        var cursor: Int64 = 0
        while start < changes.count {
            let end = min(changes.count, start + 1 + Int(random.next() % 60))
            cursor += 1
            try library.applyPulled(Array(changes[start..<end]), cursor: cursor, epoch: "e")
            start = end
        }
    }

    static func dump(_ library: Library) throws -> String { try Replica.dump(library) }

    @Test func anyOrderAndDuplicatesOfPulledChangesGiveOneState() throws {
        let folder = TemporaryFolder()
        // Copies of one empty library: opening a copy skips the migrations.
        let template = folder.path + "/template.sqlite"
        _ = try Library(path: template)
        func fresh(_ name: String) throws -> Library {
            try FileManager.default.copyItem(atPath: template, toPath: folder.path + "/" + name)
            return try Library(path: folder.path + "/" + name)
        }
        for (index, seed) in Self.seeds.enumerated() {
            let changes = Self.changes(seed: seed)
            let inOrder = try fresh("\(index)-a.sqlite")
            let scrambled = try fresh("\(index)-b.sqlite")
            try Self.pull(changes, into: inOrder, seed: seed)
            try Self.pull(Self.scrambled(changes, seed: seed), into: scrambled, seed: seed &+ 1)
            let expected = try Self.dump(inOrder)
            #expect(try Self.dump(scrambled) == expected, "seed \(seed) (SYNC_LAW_SEED=\(seed)): order or duplicates changed the state")
            #expect(try scrambled.searchIndexIsConsistent(), "seed \(seed) (SYNC_LAW_SEED=\(seed)): the search index no longer matches the papers")
            try? FileManager.default.removeItem(atPath: folder.path + "/\(index)-a.sqlite")
            try? FileManager.default.removeItem(atPath: folder.path + "/\(index)-b.sqlite")
        }
    }

    @Test func anyOrderOfPushesGivesTheServerTheClientsState() async throws {
        let folder = TemporaryFolder()
        for (index, seed) in Self.seeds.prefix(max(1, Self.cases / 5)).enumerated() {
            let changes = Self.changes(seed: seed)
            let client = try Library(path: folder.path + "/\(index).sqlite")
            try Self.pull(changes, into: client, seed: seed)
            let expected = try Self.dump(client)
            for (round, order) in [changes, Self.scrambled(changes, seed: seed)].enumerated() {
                let store = try SQLiteSyncStore(path: folder.path + "/\(index)-server-\(round).sqlite")
                let service = SyncService(store: store, now: { 1_790_000_000_000 })
                let library = try await store.createLibrary(named: "lab", at: 0)
                var random = SplitMix64(seed: seed ^ UInt64(round))
                var start = 0, nseq: Int64 = 0
                while start < order.count {
                    let end = min(order.count, start + 1 + Int(random.next() % 80))
                    let batch = order[start..<end].map { change -> PushedChange in
                        nseq += 1
                        return PushedChange(nseq: nseq, entity: change.entity, id: change.id, field: change.field, value: change.value, hlc: change.hlc)
                    }
                    let body = PushRequest(node: NodeID(rawValue: 0xAB), changes: batch).jsonText
                    _ = try await service.push(library: library, idempotencyKey: "k\(nseq)", body: Array(body.utf8))
                    start = end
                }
                #expect(try await service.dump(library: library) == expected, "seed \(seed) round \(round) (SYNC_LAW_SEED=\(seed)): the server's state differs from the client's")
            }
        }
    }
}
