import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of a process: its wall time.
struct Measurement {
    var seconds: Double
}

/// Runs processes with posix_spawn, timing them whole.
struct Runner {
    let reader: String

    func time(_ arguments: [String]) throws -> Measurement {
        let start = DispatchTime.now().uptimeNanoseconds
        let status = try spawn(arguments, output: "/dev/null")
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard status == 0 else { throw BenchError("\(arguments.joined(separator: " ")) exited with \(status)") }
        return Measurement(seconds: seconds)
    }

    /// Peak resident memory of one run of the command, in kilobytes, measured by GNU
    /// time: `wait4`'s own figure would include the benchmark's memory, which a child
    /// shares until it execs.
    func peakRSS(_ arguments: [String]) throws -> Int? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else { return nil }
        let file = NSTemporaryDirectory() + "reader-bench-rss-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let status = try spawn(["/usr/bin/time", "-f", "%M", "-o", file] + arguments, output: "/dev/null")
        guard status == 0 else { throw BenchError("\(arguments.joined(separator: " ")) exited with \(status)") }
        return Int(try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs and returns standard output.
    func output(_ arguments: [String]) throws -> String {
        let file = NSTemporaryDirectory() + "reader-bench-out-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let status = try spawn(arguments, output: file)
        guard status == 0 else { throw BenchError("\(arguments.joined(separator: " ")) exited with \(status)") }
        return try String(contentsOfFile: file, encoding: .utf8)
    }

    func median(_ runs: Int, _ body: () throws -> Measurement) throws -> Measurement {
        var results: [Measurement] = []
        for _ in 0..<max(1, runs) { results.append(try body()) }
        return Runner.median(results)
    }

    static func median(_ results: [Measurement]) -> Measurement {
        let sorted = results.sorted { $0.seconds < $1.seconds }
        return sorted[sorted.count / 2]
    }

    private func spawn(_ arguments: [String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environment)
        guard result == 0 else { throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return exit
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
