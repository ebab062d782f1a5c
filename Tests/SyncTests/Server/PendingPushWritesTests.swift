import Model
@testable import SyncServer
import SyncWire
import Testing

/// The writes a PostgreSQL push group keeps until it ends: a later push must read
/// the records as the earlier pushes' statements would have left them.
@Suite("Pending push writes")
struct PendingPushWritesTests {
    static let paper = RecordKey(entity: "paper", id: "00000000-0000-5000-8000-000000000001")
    static let other = RecordKey(entity: "paper", id: "00000000-0000-5000-8000-000000000002")

    static func state(_ record: RecordKey, _ field: String, _ value: JSONValue, seq: Int64, millis: UInt64 = 1_700_000_000_000) -> PulledChange {
        PulledChange(seq: seq, entity: record.entity, id: record.id, field: field, value: value,
                     hlc: HLC(millis: millis, counter: 0, node: NodeID(rawValue: 0xA)), rev: nil)
    }

    static func finish(_ head: Int64, key: String, node: UInt64 = 0xA, nseq: Int64) -> PendingPushWrites.Finish {
        .init(headSeq: head, node: NodeID(rawValue: node), lastNseq: nseq,
              receipt: StoredReceipt(key: key, node: NodeID(rawValue: node), bodyHash: [1], firstNseq: nseq, lastNseq: nseq, body: "{}"))
    }

    @Test func aLaterPushReadsTheStoredFieldsUnderTheGroupsWrites() {
        let stored = [Self.paper: ["title": Self.state(Self.paper, "title", .string("stored"), seq: 3),
                                   "year": Self.state(Self.paper, "year", .int(2020), seq: 3)]]
        var pending = PendingPushWrites(head: 3)
        #expect(pending.isEmpty)
        pending.add([.field(Self.state(Self.paper, "title", .string("pushed"), seq: 4))], pushedBy: NodeID(rawValue: 0xA),
                    finish: Self.finish(4, key: "k1", nseq: 1))
        let read = pending.overlaying(stored, records: [Self.paper, Self.other])
        #expect(read[Self.paper]?["title"]?.value == .string("pushed"))
        #expect(read[Self.paper]?["year"]?.value == .int(2020))
        #expect(read[Self.other] == nil)
        #expect(pending.head == 4 && pending.lastNseqs["000000000000000a"] == 1 && pending.receipts["k1"] != nil)
    }

    @Test func aPurgeHidesEveryStoredAndPendingFieldButTheKeptOne() {
        let stored = [Self.paper: ["title": Self.state(Self.paper, "title", .string("stored"), seq: 3)]]
        var pending = PendingPushWrites(head: 3)
        pending.add([.field(Self.state(Self.paper, "abstract", .string("pending"), seq: 4))], pushedBy: NodeID(rawValue: 0xA),
                    finish: Self.finish(4, key: "k1", nseq: 1))
        pending.add([.clear(Self.paper, keeping: Entity.purgedField), .field(Self.state(Self.paper, Entity.purgedField, .bool(true), seq: 5))],
                    pushedBy: NodeID(rawValue: 0xB), finish: Self.finish(5, key: "k2", node: 0xB, nseq: 1))
        let read = pending.overlaying(stored, records: [Self.paper])
        #expect(read[Self.paper].map { Set($0.keys) } == [Entity.purgedField])
        #expect(pending.cleared[Self.paper] == Entity.purgedField)
        #expect(pending.fieldStates.map(\.state.field) == [Entity.purgedField])
        #expect(pending.fieldStates.first?.node == "000000000000000b")
    }
}
