import Foundation
import Model
@testable import SyncServer
import SyncWire
import Testing

/// Group commit in the SQLite store: pushes that arrive together share one
/// transaction and one flush, each answered with its own outcome after the commit.
@Suite("Group commit")
struct GroupCommitTests {
    typealias Conformance = PushProtocolTests

    @Test func pushesThatArriveTogetherShareOneCommitAndAFailingOneLeavesTheOthersApplied() async throws {
        let (server, library) = try await Conformance.setUp(.sqlite)
        let store = try #require(server.store as? SQLiteSyncStore)
        let service = server.service
        let count = 50
        let before = store.writes.groupsCommitted
        // Holds the writer until every push waits behind it, so that they meet in one group.
        let gate = Task {
            try await store.writes.run {
                for _ in 0..<2000 where store.writes.waiting < count { try await Task.sleep(for: .milliseconds(5)) }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        let now = server.clock.millis
        let outcomes = await withTaskGroup(of: (Int, Result<String, any Error>).self) { group in
            for index in 0..<count {
                group.addTask {
                    let node = UInt64(0x100 + index)
                    // Push 7 skips its first number: refused (nseq_gap), alone.
                    let nseq: Int64 = index == 7 ? 3 : 1
                    let id = String(format: "00000000-0000-5000-8000-%012d", index)
                    let change = PushedChange(nseq: nseq, entity: "paper", id: id, field: "title", value: .string("Paper \(index)"),
                                              hlc: Conformance.hlc(now, 0, node: node))
                    do {
                        let answer = try await service.push(library: library, idempotencyKey: "k\(index)", body: Conformance.body(node: node, [change]))
                        return (index, .success(answer.body))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var all: [Int: Result<String, any Error>] = [:]
            for await (index, outcome) in group { all[index] = outcome }
            return all
        }
        try await gate.value
        #expect(store.writes.groupsCommitted - before == 1, "the \(count) pushes took \(store.writes.groupsCommitted - before) commits")
        var seqs = Set<Int64>()
        for index in 0..<count {
            switch outcomes[index] {
            case .success(let body):
                #expect(index != 7, "the push with a gap was applied")
                let receipt = try PushReceipt(bytes: Array(body.utf8))
                #expect(receipt.results.map(\.outcome) == [.applied], "push \(index): \(body)")
                seqs.insert(receipt.seq)
            case .failure(let error):
                #expect(index == 7 && (error as? WireErrorBody)?.code == .nseqGap, "push \(index): \(error)")
            case nil:
                Issue.record("push \(index) was not answered")
            }
        }
        // One seq per applied push, gapless, as without grouping.
        #expect(seqs == Set(1...Int64(count - 1)))
        #expect(try await server.head("lab") == Int64(count - 1))
        let page = try await service.changes(library: library, cursor: "0", limit: "5000")
        #expect(Set(page.changes.map(\.id)).count == count - 1)
    }

    /// `reader-server serve --push-group 1` (benchmarks): every push commits alone.
    @Test func withGroupsOfOneEveryWaitingPushCommitsAlone() async throws {
        let folder = TemporaryFolder()
        let store = try SQLiteSyncStore(path: folder.path + "/server.sqlite", largestPushGroup: 1)
        let clock = TestClock()
        let service = SyncService(store: store, now: { clock.millis })
        let library = try await store.createLibrary(named: "lab", at: clock.millis)
        let count = 10
        let before = store.writes.groupsCommitted
        let gate = Task {
            try await store.writes.run {
                for _ in 0..<2000 where store.writes.waiting < count { try await Task.sleep(for: .milliseconds(5)) }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let node = UInt64(0x100 + index)
                    let change = PushedChange(nseq: 1, entity: "paper", id: String(format: "00000000-0000-5000-8000-%012d", index),
                                              field: "title", value: .string("Paper \(index)"), hlc: Conformance.hlc(clock.millis, 0, node: node))
                    _ = try await service.push(library: library, idempotencyKey: "k\(index)", body: Conformance.body(node: node, [change]))
                }
            }
            try await group.waitForAll()
        }
        try await gate.value
        #expect(store.writes.groupsCommitted - before == count)
        #expect(try await store.session(library: library, node: nil).headSeq == Int64(count))
    }
}
