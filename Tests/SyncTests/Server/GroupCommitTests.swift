import Foundation
import Synchronization
import Model
@testable import SyncServer
import SyncWire
import Testing

/// Group commit: pushes to one library that arrive together share one transaction
/// (on SQLite one flush, on PostgreSQL one hold of the library's counter row and one
/// commit), each answered with its own outcome after the commit.
@Suite("Group commit")
struct GroupCommitTests {
    typealias Conformance = PushProtocolTests

    /// What a test needs of a store's write queue for one library, whatever its context.
    struct Queue {
        let waiting: @Sendable () -> Int
        let groupsCommitted: @Sendable () -> Int
        /// Holds the queue's writer (from the moment it calls `holding`) until `until` is true.
        let holdWriter: @Sendable (_ holding: @escaping @Sendable () -> Void, _ until: @escaping @Sendable () -> Bool) async throws -> Void

        init<Context, Request>(_ queue: WriteQueue<Context, Request>) {
            waiting = { queue.waiting }
            groupsCommitted = { queue.groupsCommitted }
            holdWriter = { holding, until in
                try await queue.run {
                    holding()
                    for _ in 0..<2000 where !until() { try await Task.sleep(for: .milliseconds(5)) }
                }
            }
        }

        init(_ store: any SyncStore, library: ServerLibrary) throws {
            if let sqlite = store as? SQLiteSyncStore {
                self.init(sqlite.writes)
            } else {
                self.init(try #require(store as? PostgresSyncStore).pushQueue(for: library))
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pushesThatArriveTogetherShareOneCommitAndAFailingOneLeavesTheOthersApplied(store kind: StoreKind) async throws {
        let (server, library) = try await Conformance.setUp(kind)
        let queue = try Queue(server.store, library: library)
        let service = server.service
        let count = 50
        let before = queue.groupsCommitted()
        // Holds the writer until every push waits behind it, so that they meet in one group.
        let gate = Task { try await queue.holdWriter({}, { queue.waiting() >= count }) }
        try await Task.sleep(for: .milliseconds(20))
        // The first push of the group that writes then fails after its writes (its
        // savepoint takes them back); push 7 fails before writing.
        service.crashInsidePush.arm()
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
        #expect(queue.groupsCommitted() - before == 1, "the \(count) pushes took \(queue.groupsCommitted() - before) commits")
        var seqs = Set<Int64>()
        var crashed: [Int] = []
        for index in 0..<count {
            switch outcomes[index] {
            case .success(let body):
                #expect(index != 7, "the push with a gap was applied")
                let receipt = try PushReceipt(bytes: Array(body.utf8))
                #expect(receipt.results.map(\.outcome) == [.applied], "push \(index): \(body)")
                seqs.insert(receipt.seq)
            case .failure(let error) where error is ServerCrash:
                crashed.append(index)
            case .failure(let error):
                #expect(index == 7 && (error as? WireErrorBody)?.code == .nseqGap, "push \(index): \(error)")
            case nil:
                Issue.record("push \(index) was not answered")
            }
        }
        #expect(crashed.count == 1 && crashed.first != 7, "failed inside their transaction: \(crashed)")
        // One seq per applied push, gapless, as without grouping.
        let applied = Int64(count - 2)
        #expect(seqs == Set(1...applied))
        #expect(try await server.head("lab") == applied)
        let page = try await service.changes(library: library, cursor: "0", limit: "5000")
        let stored = Set(page.changes.map(\.id))
        #expect(stored.count == Int(applied))
        for index in crashed + [7] {
            #expect(!stored.contains(String(format: "00000000-0000-5000-8000-%012d", index)), "push \(index) left a write")
        }
    }

    /// A push of the script below: its key, node and changes.
    struct ScriptedPush {
        let key: String, node: UInt64, changes: [PushedChange]
    }

    /// Pushes that touch the same records: text edits on one base (one applied, one
    /// told to rebase), a purge and a write after it, a refused push (an nseq gap), a
    /// replay, a node pushing twice.
    static func script(now: Int64) -> [ScriptedPush] {
        let (one, two, three): (UInt64, UInt64, UInt64) = (0xA1, 0xA2, 0xA3)
        let p1 = "00000000-0000-5000-8000-000000000011", p2 = "00000000-0000-5000-8000-000000000012"
        let p3 = "00000000-0000-5000-8000-000000000013", note = Conformance.note
        func change(_ nseq: Int64, _ entity: String, _ id: String, _ field: String, _ value: JSONValue, _ millis: Int64,
                    node: UInt64, base: Int64? = nil) -> PushedChange {
            PushedChange(nseq: nseq, entity: entity, id: id, field: field, value: value, hlc: Conformance.hlc(millis, 0, node: node), baseRev: base)
        }
        let second = ScriptedPush(key: "k2", node: two, changes: [
            change(1, "paper", p1, "title", .string("two"), now + 5, node: two), change(2, "paper", p2, "title", .string("keep"), now + 5, node: two)])
        return [
            ScriptedPush(key: "k1", node: one, changes: [
                change(1, "paper", p1, "title", .string("one"), now, node: one), change(2, "note", note, "body", .string("base"), now, node: one, base: 0)]),
            second,
            ScriptedPush(key: "k3", node: one, changes: [change(3, "note", note, "body", .string("edit by one"), now + 10, node: one, base: 1)]),
            ScriptedPush(key: "k4", node: two, changes: [change(3, "note", note, "body", .string("edit by two"), now + 11, node: two, base: 1)]),
            ScriptedPush(key: "k5", node: three, changes: [
                change(1, "paper", p3, "title", .string("three"), now + 12, node: three),
                change(2, "paper", p1, "purged", .bool(true), now + 20, node: three)]),
            ScriptedPush(key: "k6", node: one, changes: [
                change(4, "paper", p1, "title", .string("after the purge"), now + 15, node: one),
                change(5, "paper", p3, "abstract", .string("an abstract"), now + 16, node: one)]),
            ScriptedPush(key: "k7", node: three, changes: [change(9, "paper", p2, "title", .string("gap"), now + 30, node: three)]),
            second,
            ScriptedPush(key: "k9", node: two, changes: [change(4, "paper", p2, "title", .string("keep, edited"), now + 40, node: two)]),
        ]
    }

    static func attempt<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// What a push answered, without what differs between two servers (epoch, time).
    static func outcome(_ result: Result<SyncService.PushAnswer, any Error>) -> String {
        switch result {
        case .success(let answer):
            guard let receipt = try? PushReceipt(bytes: Array(answer.body.utf8)) else { return "unreadable \(answer.body)" }
            return "seq \(receipt.seq) acked \(receipt.ackedThroughNseq) replayed \(answer.replayed) \(receipt.results)"
        case .failure(let error):
            return "refused \((error as? WireErrorBody)?.code?.rawValue ?? "\(error)")"
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aGroupEndsAsItsPushesDoOneAfterTheOther(store kind: StoreKind) async throws {
        let clock = TestClock()
        let (grouped, alone) = (try TestServer(clock: clock, store: kind), try TestServer(clock: clock, store: kind))
        let now = clock.millis
        let script = Self.script(now: now)
        var expected: [String] = []
        let aloneLibrary = try await { _ = try await alone.makeLibrary("lab"); return try await alone.library("lab") }()
        for push in script {
            expected.append(Self.outcome(await Self.attempt { try await alone.service.push(
                library: aloneLibrary, idempotencyKey: push.key, body: Conformance.body(node: push.node, push.changes)) }))
        }

        _ = try await grouped.makeLibrary("lab")
        let library = try await grouped.library("lab")
        let queue = try Queue(grouped.store, library: library)
        let before = queue.groupsCommitted()
        let held = Mutex(false), open = Mutex(false)
        let gate = Task { try await queue.holdWriter({ held.withLock { $0 = true } }, { open.withLock { $0 } }) }
        for _ in 0..<2000 where !held.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
        // One at a time into the queue, so that the group holds them in the script's order.
        var answers: [Task<Result<SyncService.PushAnswer, any Error>, Never>] = []
        let service = grouped.service
        for (index, push) in script.enumerated() {
            answers.append(Task { await Self.attempt { try await service.push(
                library: library, idempotencyKey: push.key, body: Conformance.body(node: push.node, push.changes)) } })
            for _ in 0..<2000 where queue.waiting() <= index { try await Task.sleep(for: .milliseconds(2)) }
        }
        open.withLock { $0 = true }
        try await gate.value
        var got: [String] = []
        for answer in answers { got.append(Self.outcome(await answer.value)) }

        #expect(queue.groupsCommitted() - before == 1)
        #expect(got == expected)
        #expect(expected.contains { $0.hasPrefix("refused nseq_gap") } && expected.contains { $0.contains("rebaseRequired") }
                && expected.contains { $0.contains("replayed true") } && expected.contains { $0.contains("superseded") }, "\(expected)")
        #expect(try await grouped.dump("lab") == alone.dump("lab"))
        #expect(try await grouped.head("lab") == alone.head("lab"))
        let pulled = try await grouped.service.changes(library: library, cursor: "0", limit: "5000").changes
        let pulledAlone = try await alone.service.changes(library: aloneLibrary, cursor: "0", limit: "5000").changes
        #expect(pulled == pulledAlone)
        let history = try await grouped.store.textHistory(library: library, entity: "note", id: Conformance.note, field: "body")
        #expect(history == (try await alone.store.textHistory(library: aloneLibrary, entity: "note", id: Conformance.note, field: "body")))
        #expect(history.count == 2)
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
