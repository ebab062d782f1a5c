import Foundation
import Testing
import TestSupport

/// A crash at each labelled point of the client (after a local write before its
/// outbox entry, after forming a batch, after sending before storing the answer,
/// in the middle of applying a page, after applying before storing the cursor) and
/// of the server (inside the push transaction, after the commit before the answer):
/// what SQLite made durable stays, the process starts again, and in the end every
/// replica converges and every acknowledged write is kept. Runs the simulation's
/// checks over short runs (2 replicas, 40 operations each) that crash now and then
/// at the point; `CRASH_SEEDS=N` runs N seeds per point (default 100), `SIM_SEED=S`
/// replays one.
@Suite("Crash points", .tags(.slow), .enabled(if: SlowTests.enabled, SlowTests.skipped))
struct CrashPointTests {
    static var seeds: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["SIM_SEED"].flatMap({ UInt64($0) }) { return [seed] }
        let count = environment["CRASH_SEEDS"].flatMap(Int.init) ?? 100
        return (0..<UInt64(count)).map { 0xC4_0000 + $0 }
    }

    @Test(arguments: Simulation.Crash.allCases)
    func aCrashHereLosesNothingAcknowledged(at point: Simulation.Crash) async throws {
        var crashes = 0
        for seed in Self.seeds {
            let simulation = try await Simulation(seed: seed, opsPerReplica: 40, replicaCount: 2, crash: point)
            try await simulation.run()
            try await simulation.check()
            crashes += (simulation.counts["crash"] ?? 0) + (simulation.counts["server crash"] ?? 0)
        }
        print("crash point \(point.rawValue): \(Self.seeds.count) seeds, \(crashes) crashes")
        // One replayed seed may well never reach the point; a hundred always do.
        if Self.seeds.count > 1 { #expect(crashes > 0, "no crash happened at \(point.rawValue)") }
    }
}
