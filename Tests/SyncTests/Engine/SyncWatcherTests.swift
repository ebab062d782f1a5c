import Foundation
import Synchronization
import Sync
import SyncWire
import Testing

/// `reader sync --watch`'s loop, driven by closures: what starts a sync, the waits
/// after failures, and how it ends.
@Suite("Sync watcher")
struct SyncWatcherTests {
    /// What the fake sides saw and do.
    final class Sides: Sendable {
        let syncs = Mutex<[SyncWatcher.Reason]>([])
        let version = Atomic<Int64>(0)
        let serverHead = Atomic<Int64>(0)
        let failuresLeft = Atomic<Int>(0)
        let aways = Mutex<[Duration]>([])
        /// Long polls running now, and the most at once.
        let polls = Mutex<(now: Int, most: Int)>((0, 0))

        func watcher() -> SyncWatcher {
            SyncWatcher(
                sync: {
                    if self.failuresLeft.load(ordering: .relaxed) > 0 {
                        self.failuresLeft.subtract(1, ordering: .relaxed)
                        throw SyncError.unreachable(url: "http://127.0.0.1:9/v1/libraries/lab", reason: "connection refused")
                    }
                    return self.serverHead.load(ordering: .relaxed)
                },
                waitForServer: { cursor in
                    self.polls.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                    defer { self.polls.withLock { $0.now -= 1 } }
                    // A long poll of 50 ms.
                    for _ in 0..<10 {
                        if self.serverHead.load(ordering: .relaxed) > cursor { return true }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    return false
                },
                writeVersion: { self.version.load(ordering: .relaxed) },
                pollEvery: .milliseconds(5),
                backoff: Backoff(first: .milliseconds(10), longest: .milliseconds(40)),
                events: { event in
                    switch event {
                    case .synced(_, let reason): self.syncs.withLock { $0.append(reason) }
                    case .away(_, let delay): self.aways.withLock { $0.append(delay) }
                    }
                })
        }

        func waitForSyncs(_ count: Int) async throws {
            for _ in 0..<2000 where syncs.withLock({ $0.count }) < count { try await Task.sleep(for: .milliseconds(5)) }
            #expect(syncs.withLock { $0.count } >= count)
        }
    }

    @Test func aLocalWriteOrAServerChangeStartsTheNextSyncAndCancellingEndsTheWatch() async throws {
        let sides = Sides()
        let task = Task { try await sides.watcher().run() }
        try await sides.waitForSyncs(1)
        sides.version.store(1, ordering: .relaxed)
        try await sides.waitForSyncs(2)
        sides.serverHead.store(5, ordering: .relaxed)
        try await sides.waitForSyncs(3)
        task.cancel()
        try await task.value
        #expect(sides.syncs.withLock { $0 } == [.start, .localChanged, .serverChanged])
    }

    @Test func localEditsInARowKeepOneLongPollOnTheServer() async throws {
        let sides = Sides()
        let task = Task { try await sides.watcher().run() }
        try await sides.waitForSyncs(1)
        for edit in 1...5 {
            sides.version.store(Int64(edit), ordering: .relaxed)
            try await sides.waitForSyncs(edit + 1)
        }
        task.cancel()
        try await task.value
        #expect(sides.syncs.withLock { $0.filter { $0 == .localChanged }.count } == 5)
        #expect(sides.polls.withLock { $0.most } == 1, "a local edit left its long poll waiting beside a new one")
    }

    @Test func aServerAwayIsTriedAgainAfterGrowingWaitsThenTheWatchGoesOn() async throws {
        let sides = Sides()
        sides.failuresLeft.store(4, ordering: .relaxed)
        let task = Task { try await sides.watcher().run() }
        try await sides.waitForSyncs(1)
        task.cancel()
        try await task.value
        let waits = sides.aways.withLock { $0 }
        #expect(waits.count == 4)
        // 10, 20, 40, 40 ms before jitter; each between half and all of it.
        for (wait, ceiling) in zip(waits, [10, 20, 40, 40]) {
            #expect(wait >= .milliseconds(ceiling / 2) && wait <= .milliseconds(ceiling), "\(waits)")
        }
        #expect(sides.syncs.withLock { $0 } == [.retry])
    }

    @Test func anErrorThatWaitingCannotFixEndsTheWatch() async throws {
        let watcher = SyncWatcher(sync: { throw SyncError.server(status: 401, error: WireErrorBody(.unauthorized, "the token is not valid")) },
                                  waitForServer: { _ in false }, writeVersion: { 0 })
        await #expect(throws: SyncError.self) { try await watcher.run() }
    }

    @Test func backoffDoublesUpToItsLongestWithJitterBetweenHalfAndAll() {
        let backoff = Backoff(first: .seconds(1), longest: .seconds(60))
        #expect(backoff.delay(afterFailures: 1, unit: 1) == .seconds(1))
        #expect(backoff.delay(afterFailures: 1, unit: 0) == .milliseconds(500))
        #expect(backoff.delay(afterFailures: 4, unit: 1) == .seconds(8))
        #expect(backoff.delay(afterFailures: 7, unit: 1) == .seconds(60))
        #expect(backoff.delay(afterFailures: 1000, unit: 0) == .seconds(30))
        #expect(SyncError.unreachable(url: "u", reason: "r").isWorthRetrying)
        #expect(SyncError.server(status: 503, error: WireErrorBody(.unavailable, "busy")).isWorthRetrying)
        #expect(SyncError.server(status: 429, error: WireErrorBody(.tooManyWaiters, "busy")).isWorthRetrying)
        #expect(!SyncError.server(status: 401, error: WireErrorBody(.unauthorized, "no")).isWorthRetrying)
        #expect(!SyncError.notConfigured("no remote").isWorthRetrying)
    }
}
