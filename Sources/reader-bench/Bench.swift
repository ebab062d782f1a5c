import ArgumentParser
import Foundation
import Interchange
import Model

/// `reader-bench`: measures the release `reader` binary and prints the figures
/// as Markdown.
///
/// ```
/// swift build -c release && .build/release/reader-bench --sizes 1000,10000,100000
/// swift build -c release && .build/release/reader-bench formats --count 100000
/// swift build -c release && .build/release/reader-bench startup --size 100000
/// ```
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reader-bench",
        abstract: "Benchmark the release reader binary.",
        subcommands: [LibraryBench.self, FormatsBench.self, SyncBench.self, LoadBench.self, StartupBench.self, RoomBench.self],
        defaultSubcommand: LibraryBench.self
    )
}

/// The library commands on generated libraries, against a plain-SQLite baseline.
struct LibraryBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library",
        abstract: "Benchmark reader against plain SQLite on generated libraries."
    )

    @Option(help: "Library sizes, comma-separated.") var sizes: String = "1000,10000,100000"
    @Option(help: "Runs per per-process measurement (the median is reported).") var runs: Int = 10
    @Option(help: "Runs of each import (the median is reported).") var importRuns: Int = 3
    @Option(help: "The reader binary.") var reader: String = ".build/release/reader"
    @Option(help: "The seed listing titles and abstracts are drawn from.") var listing: String = "Examples/trending-papers.txt"
    @Option(help: "Working folder (removed at the end unless --keep).") var work: String = NSTemporaryDirectory() + "reader-bench"
    @Flag(help: "Keep the working folder (generated files and the last library of each size).") var keep = false

    func run() throws {
        let sizes = sizes.split(separator: ",").compactMap { Int($0) }
        guard FileManager.default.isExecutableFile(atPath: reader) else {
            throw ValidationError("\(reader) is not an executable; build it with `swift build -c release`")
        }
        let text = try String(contentsOfFile: listing, encoding: .utf8)
        let seed = try PapersListing.parse(text, file: listing)
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: work) } }

        let runner = Runner(reader: reader)
        print("# reader-bench\n")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB; medians; wall times of whole processes\n")
        let startup = try runner.median(runs) { try runner.time([reader, "--version"]) }
        let sqliteStartup = try runner.median(runs) { try runner.time(["/usr/bin/sqlite3", ":memory:", "SELECT 1"]) }
        print("start-up: `reader --version` \(ms(startup.seconds)), `sqlite3 :memory: 'SELECT 1'` \(ms(sqliteStartup.seconds))\n")
        print("| papers | import | baseline insert | ratio | import RSS | list --limit 20 | sqlite3 list | search krylov | sqlite3 | search operator | sqlite3 | show | tag | export json | export RSS |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes {
            let generated = try Generator(seed: seed, count: size, folder: work).write()
            // reader import, fresh library each run
            var imports: [Measurement] = []
            var library = ""
            for run in 0..<importRuns {
                library = work + "/lib-\(size)-\(run).sqlite"
                imports.append(try runner.time([reader, "import", generated.backup, "--library", library]))
            }
            let importMedian = Runner.median(imports)
            // baseline: same schema (copied from a library reader created), bulk insert in python3
            let empty = work + "/empty.sqlite"
            if !FileManager.default.fileExists(atPath: empty) { _ = try runner.time([reader, "stats", "--library", empty]) }
            var baselines: [Double] = []
            for run in 0..<importRuns {
                let out = work + "/baseline-\(size)-\(run).sqlite"
                let result = try runner.output(["/usr/bin/env", "python3", "Benchmarks/baseline.py", empty, generated.rows, out])
                guard let data = result.data(using: .utf8), let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let seconds = object["seconds"] as? Double else { throw ValidationError("baseline printed \(result)") }
                baselines.append(seconds)
                try? FileManager.default.removeItem(atPath: out)
                try? FileManager.default.removeItem(atPath: out + "-wal")
                try? FileManager.default.removeItem(atPath: out + "-shm")
            }
            let baseline = baselines.sorted()[baselines.count / 2]
            let list = try runner.median(runs) { try runner.time([reader, "list", "--limit", "20", "--library", library]) }
            let sqliteList = try runner.median(runs) {
                try runner.time(["/usr/bin/sqlite3", library, "SELECT id, title, status, year FROM paper WHERE coalesce(trashed, 0) = 0 ORDER BY added_at DESC, rowid DESC LIMIT 20"])
            }
            // A specific word (in one seed abstract: about 1% of the papers) and a common one (about 11%).
            var searches: [(reader: Measurement, sqlite: Measurement)] = []
            for word in ["krylov", "operator"] {
                let match = "(\"\(word)\") NOT state:trashed"
                let ours = try runner.median(runs) { try runner.time([reader, "search", word, "--library", library]) }
                let plain = try runner.median(runs) {
                    try runner.time(["/usr/bin/sqlite3", library, """
                        SELECT p.id, p.title, snippet(paper_fts, -1, '[', ']', '…', 24), bm25(paper_fts, 10.0, 4.0, 1.0, 6.0, 3.0, 3.0, 0.0) AS score
                        FROM paper_fts JOIN paper p ON p.rowid = paper_fts.rowid
                        WHERE paper_fts MATCH '\(match)' AND paper_fts.rowid IN (
                            SELECT rowid FROM paper_fts WHERE paper_fts MATCH '\(match)' ORDER BY bm25(paper_fts, 10.0, 4.0, 1.0, 6.0, 3.0, 3.0, 0.0) LIMIT 20)
                        ORDER BY score
                        """])
                }
                searches.append((ours, plain))
            }
            let target = generated.sampleArXivID
            let show = try runner.median(runs) { try runner.time([reader, "show", target, "--library", library]) }
            var flip = false
            let tag = try runner.median(runs) {
                flip.toggle()
                return try runner.time([reader, "tag", target, flip ? "+bench" : "-bench", "--library", library])
            }
            let exportCommand = [reader, "export", "--format", "json", "-o", work + "/export.json", "--library", library]
            let export = try runner.median(3) { try runner.time(exportCommand) }
            let exportRSS = try runner.peakRSS(exportCommand)
            let importRSS = try runner.peakRSS([reader, "import", generated.backup, "--library", work + "/rss-\(size).sqlite"])
            print("| \(size) | \(ms(importMedian.seconds)) (\(Int(Double(size) / importMedian.seconds)) papers/s) | \(ms(baseline)) | \(String(format: "%.2f", importMedian.seconds / baseline))x | \(mib(importRSS)) | \(ms(list.seconds)) | \(ms(sqliteList.seconds)) | \(ms(searches[0].reader.seconds)) | \(ms(searches[0].sqlite.seconds)) | \(ms(searches[1].reader.seconds)) | \(ms(searches[1].sqlite.seconds)) | \(ms(show.seconds)) | \(ms(tag.seconds)) | \(ms(export.seconds)) | \(mib(exportRSS)) |")
            for run in 0..<importRuns where !keep || run < importRuns - 1 {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: work + "/lib-\(size)-\(run).sqlite" + suffix) }
            }
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: work + "/rss-\(size).sqlite" + suffix)
            }
        }
    }

    func ms(_ seconds: Double) -> String { Figures.ms(seconds) }
    func mib(_ kib: Int?) -> String { Figures.mib(kib) }
}
