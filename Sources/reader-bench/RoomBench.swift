import ArgumentParser
import Foundation
import HTTP
import Interchange
import Model

/// The reading room's pages on a large library: the time the room spends on each
/// (its `Server-Timing` header) and the time a client waits, medians over rounds
/// that request every page in turn.
struct RoomBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "room",
        abstract: "Measure the reading room's pages (reader serve) on a generated library.",
        discussion: """
            Targets (issue 16): at 100,000 papers the queue under 30 ms of server time, \
            a paper's page under 10 ms, the stats page under 100 ms.
            """
    )

    @Option(help: "Papers in the generated library (a reading life: statuses, read dates, tags).") var size: Int = 100_000
    @Option(help: "Notes, on the first papers.") var notes: Int = 2_000
    @Option(help: "Rounds (each requests every page once; medians are reported).") var rounds: Int = 50
    @Option(help: "The reader binary (reader-web is beside it).") var reader: String = ".build/release/reader"
    @Option(help: "The seed listing titles and abstracts are drawn from.") var listing: String = "Examples/trending-papers.txt"
    @Option(help: "Working folder (kept: the library is reused when it is there).") var work: String = NSTemporaryDirectory() + "reader-bench-room"

    func run() async throws {
        let web = URL(fileURLWithPath: reader).deletingLastPathComponent().appendingPathComponent("reader-web").path
        for binary in [reader, web] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw ValidationError("\(binary) is not an executable; build it with `swift build -c release`")
        }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let runner = Runner(reader: reader)
        let library = work + "/library-\(size)-reading.sqlite"
        let firstFile = library + ".first"
        if !FileManager.default.fileExists(atPath: library) || !FileManager.default.fileExists(atPath: firstFile) {
            let seed = try PapersListing.parse(try String(contentsOfFile: listing, encoding: .utf8), file: listing)
            var generator = Generator(seed: seed, count: size, folder: work)
            generator.notes = notes
            generator.readingLife = true
            let generated = try generator.write()
            _ = try runner.time([reader, "import", generated.backup, "--library", library])
            try generated.firstArXivID.write(toFile: firstFile, atomically: true, encoding: .utf8)
            for file in [generated.backup, generated.rows] { try? FileManager.default.removeItem(atPath: file) }
        }
        guard let arxiv = ArXivID(try String(contentsOfFile: firstFile, encoding: .utf8)) else { throw BenchError("no sample paper in \(firstFile)") }
        let paper = StableID.paper(.arxiv(arxiv)).lowercased

        let server = Process()
        server.executableURL = URL(fileURLWithPath: web)
        server.arguments = ["--library", library, "--port", "0"]
        let pipe = Pipe()
        server.standardOutput = pipe
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.interrupt(); server.waitUntilExit() }
        guard let line = String(data: pipe.fileHandleForReading.availableData, encoding: .utf8)?.split(separator: "\n").first,
              let base = line.split(separator: " ").last.map({ String($0).trimmingCharacters(in: CharacterSet(charactersIn: "/")) }) else {
            throw BenchError("reader-web did not print its address")
        }

        let pages: [(name: String, path: String, target: Double?)] = [
            ("queue `/`", "/", 30), ("paper `/papers/ID` (tags, a note)", "/papers/\(paper)", 10), ("stats `/stats`", "/stats", 100),
            ("search `/search?q=krylov`", "/search?q=krylov", nil), ("tags `/tags`", "/tags", nil), ("sync `/sync`", "/sync", nil),
        ]
        var serverTimes: [[Double]] = Array(repeating: [], count: pages.count), client: [[Double]] = Array(repeating: [], count: pages.count)
        var sizes = Array(repeating: 0, count: pages.count)
        for round in -3..<rounds {
            for (index, page) in pages.enumerated() {
                guard let url = URL(string: base + page.path) else { throw BenchError("bad address \(base + page.path)") }
                let start = ContinuousClock.now
                let response = try await HTTPClient.send(HTTPRequest(url: url))
                let elapsed = ContinuousClock.now - start
                guard response.status == 200 else { throw BenchError("\(page.path): HTTP \(response.status)") }
                guard round >= 0 else { continue }
                let timing = response.header("Server-Timing").flatMap { $0.split(separator: "=").last }.flatMap { Double($0) } ?? .nan
                serverTimes[index].append(timing)
                client[index].append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                sizes[index] = response.body.count
            }
        }
        print("# reader-bench room\n")
        print("\(size) papers (a reading life: \(notes) notes, 24 tags), \(rounds) rounds after 3 warm-up rounds; \(ProcessInfo.processInfo.activeProcessorCount) cores\n")
        print("| page | server median | server p90 | client median | HTML | target (server) |")
        print("|---|---:|---:|---:|---:|---:|")
        for (index, page) in pages.enumerated() {
            let sorted = serverTimes[index].sorted()
            let p90 = sorted[min(sorted.count - 1, sorted.count * 9 / 10)]
            let target = page.target.map { String(format: "< %.0f ms %@", $0, Figures.median(serverTimes[index]) < $0 ? "met" : "**not met**") } ?? "-"
            print("| \(page.name) | \(String(format: "%.2f ms", Figures.median(serverTimes[index]))) | \(String(format: "%.2f ms", p90)) | \(String(format: "%.2f ms", Figures.median(client[index]))) | \(sizes[index] / 1024) KiB | \(target) |")
        }
    }
}
