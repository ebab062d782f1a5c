import Foundation
import Testing
import TestSupport

/// The deterministic simulation: `SIM_SEEDS=N` runs N seeds (default 200),
/// `SIM_SEED=S` replays one. A seed that ever fails is added to `regressions`.
@Suite("Deterministic simulation", .tags(.slow), .enabled(if: SlowTests.enabled, SlowTests.skipped))
struct SimulationTests {
    static var seeds: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["SIM_SEED"].flatMap({ UInt64($0) }) { return [seed] }
        let count = environment["SIM_SEEDS"].flatMap(Int.init) ?? 200
        return (0..<UInt64(count)).map { 0x51_0000 + $0 }
    }

    /// The seeds run in eight shares, in parallel.
    @Test(arguments: 0..<8)
    func fiveReplicasConvergeWithoutLosingAWriteUnderFaults(share: Int) async throws {
        var totals: [String: Int] = [:]
        let seeds = Self.seeds.enumerated().filter { $0.offset % 8 == share }.map(\.element)
        for seed in seeds {
            let simulation = try await Simulation(seed: seed)
            try await simulation.run()
            try await simulation.check()
            for (name, count) in simulation.counts { totals[name, default: 0] += count }
        }
        print("simulation share \(share): \(seeds.count) seeds; " + totals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    /// Seeds against the PostgreSQL store: `SIM_POSTGRES_SEEDS=N` (default 12, CI-sized;
    /// `SIM_SEED=S` replays one), in two shares. The same schedule as on SQLite, through
    /// the same protocol rules, over the network driver and its transactions.
    static var postgresSeeds: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["SIM_SEED"].flatMap({ UInt64($0) }) { return [seed] }
        let count = environment["SIM_POSTGRES_SEEDS"].flatMap(Int.init) ?? 12
        return (0..<UInt64(count)).map { 0x5E_0000 + $0 }
    }

    @Test(.enabled(if: ThrowawayPostgres.isAvailable || ThrowawayPostgres.isRequired, "needs PostgreSQL (READER_TEST_POSTGRES)"),
          arguments: 0..<2)
    func fiveReplicasConvergeOnThePostgreSQLStore(share: Int) async throws {
        var totals: [String: Int] = [:]
        let seeds = Self.postgresSeeds.enumerated().filter { $0.offset % 2 == share }.map(\.element)
        for seed in seeds {
            let simulation = try await Simulation(seed: seed, store: .postgres)
            try await simulation.run()
            try await simulation.check()
            for (name, count) in simulation.counts { totals[name, default: 0] += count }
            await simulation.server.store.close()
        }
        print("simulation on PostgreSQL, share \(share): \(seeds.count) seeds; " + totals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    /// Seeds that once failed, replayed on every run.
    static let regressions: [UInt64] = [
        // A note edited back to the text the server had: the server kept its clock,
        // the replica its own (fixed: the same text with another clock is a new revision).
        5_308_419,
    ]

    @Test(arguments: regressions)
    func aSeedThatOnceFailedStillPasses(seed: UInt64) async throws {
        let simulation = try await Simulation(seed: seed)
        try await simulation.run()
        try await simulation.check()
    }
}
