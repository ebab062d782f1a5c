import Foundation
import Model
import Storage
import Sync
import SyncServer
import SyncWire
import Testing

/// The next batch is formed while the one before is on the wire, and stored only if
/// the outbox has not moved since: what is sent is what forming it then would send.
@Suite("Batches formed ahead")
struct BatchAheadTests {
    /// A replica with six papers queued (one outbox row each) and its first batch in
    /// flight, one row per batch.
    static func setUp() async throws -> (TestServer, Replica, [UUID], OutgoingBatch) {
        let (server, replicas) = try await ConvergenceTests.setUp(["a"])
        let a = replicas[0]
        var papers: [UUID] = []
        for index in 0..<6 { papers.append(try ConvergenceTests.paper("Paper \(index)", in: a)) }
        let first = try #require(try a.library.formBatch(maxChanges: 1, maxBytes: 1 << 20))
        return (server, a, papers, first)
    }

    static func sendAndAcknowledge(_ batch: OutgoingBatch, from replica: Replica) async throws {
        let receipt = try await replica.transport.push(body: batch.body, idempotencyKey: batch.key)
        _ = try replica.engine.acknowledge(batch, receipt: receipt)
    }

    static func paperIDs(of body: String) throws -> Set<String> {
        Set(try PushRequest(bytes: Array(body.utf8)).changes.map(\.id))
    }

    @Test func aBatchFormedAheadIsStoredAsItIsWhenNothingMoved() async throws {
        let (server, a, _, first) = try await Self.setUp()
        let ahead = try #require(try a.library.formBatch(after: first, maxChanges: 1, maxBytes: 1 << 20))
        #expect(ahead.firstNseq == first.lastNseq + 1)
        #expect(try Self.paperIDs(of: first.body).isDisjoint(with: Set(ahead.changes.map(\.id))))
        try await Self.sendAndAcknowledge(first, from: a)

        let second = try #require(try a.library.formBatch(maxChanges: 1, maxBytes: 1 << 20, ahead: ahead))
        #expect(try PushRequest(bytes: Array(second.body.utf8)).changes == ahead.changes)
        #expect(second.firstNseq == ahead.firstNseq && second.lastNseq == ahead.lastNseq)
        try await a.sync()
        #expect(try await server.dump("lab") == a.dump())
    }

    @Test func anEditWhileABatchIsOnTheWireMakesTheBatchAheadFormAgain() async throws {
        let (server, a, papers, first) = try await Self.setUp()
        let ahead = try #require(try a.library.formBatch(after: first, maxChanges: 1, maxBytes: 1 << 20))
        let covered = try #require(papers.first { ahead.changes.map(\.id).contains($0.uuidString.lowercased()) })
        // Edited before the receipt: its outbox row moves to the end, with the new status.
        try a.library.setStatus(.reading, of: covered)
        try await Self.sendAndAcknowledge(first, from: a)

        let second = try #require(try a.library.formBatch(maxChanges: 1, maxBytes: 1 << 20, ahead: ahead))
        #expect(try !Self.paperIDs(of: second.body).contains(covered.uuidString.lowercased()), "the edited paper goes last, not with its old status")
        #expect(second.firstNseq == first.lastNseq + 1)
        try await a.sync()
        #expect(try await server.dump("lab") == a.dump())
        #expect(try a.library.detail(covered)?.paper.status == .reading)
    }

    @Test func aBatchSetAsideMakesTheBatchAheadFormAgainWithTheSameNumbers() async throws {
        let (server, a, _, first) = try await Self.setUp()
        let ahead = try #require(try a.library.formBatch(after: first, maxChanges: 1, maxBytes: 1 << 20))
        // The server refused the batch in flight for one of its changes: it is set aside
        // and its numbers are given again.
        #expect(try a.library.setAside(changeAt: 0, of: first, reason: "refused in a test"))

        let next = try #require(try a.library.formBatch(maxChanges: 1, maxBytes: 1 << 20, ahead: ahead))
        #expect(next.firstNseq == first.firstNseq, "no gap in the numbers the server sees")
        try await a.sync()
        #expect(try a.library.syncState().held.count == 1)
        #expect(try await server.head("lab") > 0)
    }
}
