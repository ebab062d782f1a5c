import Foundation
import Synchronization

/// A real PostgreSQL server for the tests: the one `READER_TEST_POSTGRES` names,
/// which `Tests/Postgres/throwaway-postgres.sh start` makes (a new cluster in a
/// temporary directory on a free port of 127.0.0.1, stopped and deleted at the end;
/// `.ci/run` does it). Each test takes a database of its own (``makeDatabase()``).
///
/// Without PostgreSQL's server programs the tests that need it do not run, and say
/// why; in CI (`CI` set) that is a failure.
public enum ThrowawayPostgres {
    /// The server's maintenance database URL, or why there is none.
    public static var server: Result<String, Unavailable> { started.withLock { state in
        if let state { return state }
        let result = start()
        state = result
        return result
    } }

    /// Whether the tests that need PostgreSQL can run here.
    public static var isAvailable: Bool { (try? server.get()) != nil }

    /// Whether a missing PostgreSQL is a failure: in CI, the tests that need it must run.
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// Why the PostgreSQL tests cannot run.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    private static let started = Mutex<Result<String, Unavailable>?>(nil)
    private static let databases = Atomic<Int>(0)

    /// Creates an empty database on the server and returns its URL.
    public static func makeDatabase() throws -> String {
        let admin = try server.get()
        let name = "test_\(getpid())_\(databases.add(1, ordering: .relaxed).newValue)"
        let (status, output) = run(["psql", "-q", "-v", "ON_ERROR_STOP=1", admin, "-c", "CREATE DATABASE \(name)"])
        guard status == 0 else { throw Unavailable(description: "cannot create a test database: \(output)") }
        guard var components = URLComponents(string: admin) else { throw Unavailable(description: "'\(admin)' is not a URL") }
        components.path = "/" + name
        return components.string ?? admin
    }

    /// Runs SQL on a database with `psql` and returns what it printed (tab-separated, no headers).
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> String {
        let (status, output) = run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        guard status == 0 else { throw Unavailable(description: "psql failed: \(output)") }
        return output
    }

    private static func start() -> Result<String, Unavailable> {
        if let given = ProcessInfo.processInfo.environment["READER_TEST_POSTGRES"], !given.isEmpty { return .success(given) }
        return .failure(Unavailable(description: """
            no PostgreSQL server for the tests: start one with `Tests/Postgres/throwaway-postgres.sh start` \
            (Debian's postgresql package) and set READER_TEST_POSTGRES to the URL it prints
            """))
    }

    /// Runs a program found on the PATH; returns its status and its output and errors.
    static func run(_ arguments: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(arguments[0]) cannot run: \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
