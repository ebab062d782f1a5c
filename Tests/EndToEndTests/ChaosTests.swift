import Foundation
import Testing
import TestSupport

/// `Tests/Chaos/chaos.py`: three `reader` libraries and a `reader-server` as real
/// processes, random edits, attached files and syncs, `kill -9` of random commands and
/// of the server (also while a sync moves files) for a bounded time, then healing and
/// the checks (integrity, convergence, every saved edit present, every saved or
/// acknowledged file on the server and in every library with its hash), on SQLite and on
/// three instances over PostgreSQL. `CHAOS_SECONDS=N` runs longer (default 60; the long form is 600).
@Suite("Real processes killed at random", .tags(.slow), .enabled(if: SlowTests.enabled, SlowTests.skipped), .serialized)
struct ChaosTests {
    @Test func killedClientsAndServerLoseNothingAndConverge() async throws {
        let seconds = ProcessInfo.processInfo.environment["CHAOS_SECONDS"] ?? "60"
        let folder = ReaderProcess.binary.deletingLastPathComponent()
        guard let (status, output) = try await runPythonScriptOffThePool([
            "Tests/Chaos/chaos.py", "--reader", ReaderProcess.binary.path,
            "--server", folder.appendingPathComponent("reader-server").path,
            "--listing", seedListing, "--duration", seconds, "--seed", "1",
        ]) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.contains("every saved edit present, every saved file everywhere with its hash"))
        #expect(!output.contains("files attached 0,"), "no file was attached: \(output)")
        #expect(output.contains("server kills") && !output.contains("server kills 0,"), "the server was never killed: \(output)")
    }

    /// The same over three `reader-server` instances on one PostgreSQL database (a
    /// cluster of its own, which the script restarts as after a crash), behind a
    /// balancer that sends each connection to a random live instance.
    @Test(.enabled(if: ThrowawayPostgres.isAvailable || ThrowawayPostgres.isRequired, "needs PostgreSQL's server programs"))
    func threeInstancesOverOnePostgreSQLKilledAndRestartedLoseNothingAndConverge() async throws {
        let seconds = ProcessInfo.processInfo.environment["CHAOS_SECONDS"] ?? "60"
        let folder = ReaderProcess.binary.deletingLastPathComponent()
        guard let (status, output) = try await runPythonScriptOffThePool([
            "Tests/Chaos/chaos.py", "--reader", ReaderProcess.binary.path,
            "--server", folder.appendingPathComponent("reader-server").path,
            "--listing", seedListing, "--duration", seconds, "--seed", "1", "--postgres",
        ]) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.contains("chaos: 3 instances on PostgreSQL"), "\(output)")
        #expect(output.contains("every saved edit present, every saved file everywhere with its hash"))
        #expect(!output.contains("server kills 0,") && !output.contains("postgres restarts 0,"), "nothing was killed: \(output)")
        #expect(!output.contains("postgres restarts during a sync 0;"), "PostgreSQL never restarted during a sync: \(output)")
    }
}
