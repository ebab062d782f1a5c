import Foundation
import Testing
import Model
import PostgresNIO
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

    /// A push group's read (receipts, nodes and records of every push in one UNION)
    /// finds its rows by index whatever the library's size. (A one-statement pull
    /// tried during this work planned a scan of `field_state` for its "more?" part
    /// and made every no-op sync of a 100,000-paper library take 160 ms; it was not
    /// kept. This test is the guard for such plans.)
    @Test(.enabled(if: ThrowawayPostgres.isAvailable, "needs PostgreSQL (READER_TEST_POSTGRES)"))
    func aPushGroupsReadUsesTheIndexesInALargeLibrary() async throws {
        let store = try PostgresSyncStore(location: PostgresLocation(url: try ThrowawayPostgres.makeDatabase()))
        let library = try await store.createLibrary(named: "large", at: 1)
        _ = try await store.createLibrary(named: "other", at: 1)
        let plans = try await store.withConnection(doing: "explain") { connection -> [String: String] in
            // 60,000 rows in 300 seqs of 200, and as many in another library.
            try await connection.query("""
                INSERT INTO field_state(library_id, entity, record_id, field, value, hlc, seq, rev, node_id)
                SELECT l.id, 'paper', lpad(n::text, 12, '0'), 'title', '"t"', '2026-01-01T00:00:00.000Z-0000-000000000000000a',
                       n / 200 + 1, NULL, '000000000000000a'
                FROM library l, generate_series(0, 59999) AS n
                """, logger: store.logger)
            try await connection.query("UPDATE library SET seq = 300", logger: store.logger)
            try await connection.query("ANALYZE", logger: store.logger)
            let read = PushReadRequest(receiptKey: "k", node: NodeID(rawValue: 0xA),
                                       records: [RecordKey(entity: "paper", id: "000000000042")])
            let queries: [String: PostgresQuery] = ["a push group's read": PostgresPushGroup.readQuery(library: library.key, [read])]
            var plans: [String: String] = [:]
            for (name, query) in queries {
                var lines: [String] = []
                for try await line in try await connection.query(PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, binds: query.binds),
                                                                 logger: store.logger).decode(String.self) {
                    lines.append(line)
                }
                plans[name] = lines.joined(separator: "\n")
            }
            return plans
        }
        await store.shutdown()
        #expect(plans.count == 1)
        for (name, plan) in plans {
            #expect(!plan.contains("Seq Scan on field_state"), "\(name) scans the table:\n\(plan)")
        }
    }

    /// A store's push queues hold it weakly: a store nobody holds goes, and its
    /// connection pool with it, also after it took pushes.
    @Test(.enabled(if: ThrowawayPostgres.isAvailable, "needs PostgreSQL (READER_TEST_POSTGRES)"))
    func aStoreThatTookPushesGoesWhenNothingHoldsIt() async throws {
        weak var gone: PostgresSyncStore?
        do {
            let store = try PostgresSyncStore(location: PostgresLocation(url: try ThrowawayPostgres.makeDatabase()))
            let library = try await store.createLibrary(named: "lab", at: 1)
            try await Self.push(SyncService(store: store, now: { Self.now }), library, node: NodeID(rawValue: 0xA), nseq: 1, value: "one")
            #expect(try await store.session(library: library, node: nil).headSeq == 1)
            gone = store
        }
        #expect(gone == nil)
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
