import Foundation
import Testing
import Model
@testable import SyncServer
import Synchronization
import SyncWire

/// The PostgreSQL store's own checks (its protocol behaviour is the conformance
/// suite's, run against every ``StoreKind``).
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test func thePostgreSQLTestsRunInCI() {
        if !ThrowawayPostgres.isAvailable {
            #expect(!ThrowawayPostgres.isRequired, "the PostgreSQL store's tests must run in CI: \(ThrowawayPostgres.server)")
        }
    }

    /// The servers' clock (Unix milliseconds, in 2026).
    static let now: Int64 = 1_780_000_000_000

    static func twoInstances() async throws -> (PostgresSyncStore, PostgresSyncStore, ServerLibrary, String, url: String) {
        let url = try ThrowawayPostgres.makeDatabase()
        let first = try PostgresSyncStore(location: PostgresLocation(url: url))
        let second = try PostgresSyncStore(location: PostgresLocation(url: url))
        let library = try await first.createLibrary(named: "lab", at: 1)
        let token = DeviceTokens.make()
        _ = try await first.createToken(library: "lab", device: "a", hash: SyncService.hash(token), at: 1)
        return (first, second, library, token, url)
    }

    /// Whether the writers are done, set by one task and read by another.
    final class Flag: Sendable {
        private let state = Mutex(false)
        func set() { state.withLock { $0 = true } }
        var isSet: Bool { state.withLock { $0 } }
    }

    static func push(_ service: SyncService, _ library: ServerLibrary, node: NodeID, nseq: Int64, value: String) async throws {
        let hlc = HLC(millis: UInt64(Self.now - 1_000 + nseq), counter: 0, node: node)
        let request = PushRequest(node: node, changes: [
            PushedChange(nseq: nseq, entity: "paper", id: UUID().uuidString.lowercased(), field: "title",
                         value: .string(value), hlc: hlc),
        ])
        _ = try await service.push(library: library, idempotencyKey: UUID().uuidString, body: Array(request.jsonText.utf8))
    }

    // No time limits and no deadlines in these two: in the full suite, tests that
    // run processes can hold every thread of the pool for minutes, and a test that
    // is not scheduled must not fail for it. Each ends by its own logic instead.

    @Test(.enabled(if: ThrowawayPostgres.isAvailable, "needs PostgreSQL (READER_TEST_POSTGRES)"), arguments: 1...5)
    func pushesThroughTwoInstancesGetConsecutiveSeqsAndAPullBetweenThemSkipsNone(run: Int) async throws {
        let (first, second, library, _, _) = try await Self.twoInstances()
        let services = [SyncService(store: first, now: { Self.now }), SyncService(store: second, now: { Self.now })]
        let nodes = [NodeID.random(), NodeID.random()]
        let rounds = 40
        let writersDone = Flag()
        // Two writers, one per instance, at the same moments; a reader pulls one
        // change at a time all along and must see every seq from 1 up, none skipped.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { writers in
                    for index in 0..<2 {
                        writers.addTask {
                            for round in 1...rounds {
                                try await Self.push(services[index], library, node: nodes[index], nseq: Int64(round), value: "v\(round)")
                            }
                        }
                    }
                    try await writers.waitForAll()
                }
                writersDone.set()
            }
            group.addTask {
                var cursor: Int64 = 0
                var seen: [Int64] = []
                while true {
                    // Read before the pull: the last pull starts after every push committed.
                    let finished = writersDone.isSet
                    let page = try await second.changes(library: library, after: cursor, limit: 1, notPushedBy: nil)
                    seen += page.changes.map(\.seq)
                    cursor = page.cursor
                    if finished, page.changes.isEmpty, !page.hasMore { break }
                }
                #expect(seen == Array(1...Int64(2 * rounds)), "a pull skipped or repeated a seq: \(seen)")
            }
            try await group.waitForAll()
        }
        #expect(try await first.session(library: library, node: nil).headSeq == Int64(2 * rounds))
        await first.shutdown()
        await second.shutdown()
    }

    @Test(.enabled(if: ThrowawayPostgres.isAvailable, "needs PostgreSQL (READER_TEST_POSTGRES)"))
    func aPushThroughOneInstanceWakesAPullWaitingOnAnother() async throws {
        let (first, second, library, token, url) = try await Self.twoInstances()
        let pusher = SyncService(store: first, now: { Self.now })
        let waiter = SyncService(store: second, now: { Self.now })
        let relay = Task { try await waiter.relayPushesFromOtherProcesses() }
        // The relay listens (its connection's last statement, done, is LISTEN) ...
        while try ThrowawayPostgres.psql(url, """
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle' AND query LIKE 'LISTEN %'
            """).trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
            try await Task.sleep(for: .milliseconds(20))
        }
        // ... and the pull waits, before the push.
        async let page = waiter.changes(library: library, cursor: "0", limit: nil, wait: "60", waiter: token)
        while waiter.waiters.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Self.push(pusher, library, node: NodeID.random(), nseq: 1, value: "woken")
        // A wait that ends by its time answers an empty page: the change is there
        // only because the push on the other instance woke it.
        let answer = try await page
        #expect(answer.changes.map(\.value) == [.string("woken")])
        relay.cancel()
        await first.shutdown()
        await second.shutdown()
    }
}
