import Foundation
import Testing
import Model
import SyncServer
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

    static func twoInstances() async throws -> (PostgresSyncStore, PostgresSyncStore, ServerLibrary, String) {
        let url = try ThrowawayPostgres.makeDatabase()
        let first = try PostgresSyncStore(location: PostgresLocation(url: url))
        let second = try PostgresSyncStore(location: PostgresLocation(url: url))
        let library = try await first.createLibrary(named: "lab", at: 1)
        let token = DeviceTokens.make()
        _ = try await first.createToken(library: "lab", device: "a", hash: SyncService.hash(token), at: 1)
        return (first, second, library, token)
    }

    static func push(_ service: SyncService, _ library: ServerLibrary, node: NodeID, nseq: Int64, value: String) async throws {
        let hlc = HLC(millis: UInt64(Self.now - 1_000 + nseq), counter: 0, node: node)
        let request = PushRequest(node: node, changes: [
            PushedChange(nseq: nseq, entity: "paper", id: UUID().uuidString.lowercased(), field: "title",
                         value: .string(value), hlc: hlc),
        ])
        _ = try await service.push(library: library, idempotencyKey: UUID().uuidString, body: Array(request.jsonText.utf8))
    }

    @Test(.enabled(if: ThrowawayPostgres.isAvailable, "needs PostgreSQL (READER_TEST_POSTGRES)"), .timeLimit(.minutes(2)),
          arguments: 1...5)
    func pushesThroughTwoInstancesGetConsecutiveSeqsAndAPullBetweenThemSkipsNone(run: Int) async throws {
        let (first, second, library, _) = try await Self.twoInstances()
        let services = [SyncService(store: first, now: { Self.now }), SyncService(store: second, now: { Self.now })]
        let nodes = [NodeID.random(), NodeID.random()]
        let rounds = 40
        // Two writers, one per instance, at the same moments; a reader pulls one
        // change at a time all along and must see every seq from 1 up, none skipped.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<2 {
                group.addTask {
                    for round in 1...rounds {
                        try await Self.push(services[index], library, node: nodes[index], nseq: Int64(round), value: "v\(round)")
                    }
                }
            }
            group.addTask {
                var cursor: Int64 = 0
                var seen: [Int64] = []
                let deadline = ContinuousClock.now + .seconds(60)
                while cursor < Int64(2 * rounds), ContinuousClock.now < deadline {
                    try Task.checkCancellation()
                    let page = try await second.changes(library: library, after: cursor, limit: 1, notPushedBy: nil)
                    seen += page.changes.map(\.seq)
                    cursor = page.cursor
                }
                #expect(seen == Array(1...Int64(2 * rounds)), "a pull skipped or repeated a seq: \(seen)")
            }
            try await group.waitForAll()
        }
        #expect(try await first.session(library: library, node: nil).headSeq == Int64(2 * rounds))
        await first.shutdown()
        await second.shutdown()
    }

    @Test(.enabled(if: ThrowawayPostgres.isAvailable, "needs PostgreSQL (READER_TEST_POSTGRES)"), .timeLimit(.minutes(1)))
    func aPushThroughOneInstanceWakesAPullWaitingOnAnother() async throws {
        let (first, second, library, token) = try await Self.twoInstances()
        let pusher = SyncService(store: first, now: { Self.now })
        let waiter = SyncService(store: second, now: { Self.now })
        let relay = Task { try await waiter.relayPushesFromOtherProcesses() }
        try await Task.sleep(for: .milliseconds(500))  // the relay's LISTEN is in place
        let start = ContinuousClock.now
        async let page = waiter.changes(library: library, cursor: "0", limit: nil, wait: "30", waiter: token)
        try await Task.sleep(for: .milliseconds(300))
        try await Self.push(pusher, library, node: NodeID.random(), nseq: 1, value: "woken")
        let answer = try await page
        #expect(answer.changes.map(\.value) == [.string("woken")])
        #expect(ContinuousClock.now - start < .seconds(10), "the pull waited for its time to pass instead of waking")
        relay.cancel()
        await first.shutdown()
        await second.shutdown()
    }
}
