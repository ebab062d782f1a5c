import ArgumentParser
import Foundation
import Interchange

/// Start-up and the quick commands against the floor: a static Swift "hello" and the
/// `sqlite3` CLI running the same query, interleaved round by round so that the
/// machine's noise falls on both sides of each ratio.
struct StartupBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "startup",
        abstract: "Measure reader's start-up and quick commands against a static hello and sqlite3.",
        discussion: """
            Targets (issue 12): `reader --version` within 1.5x of hello; list, show, tag and \
            search for a rare word within 2x of hello plus sqlite3 doing the same query.
            """
    )

    @Option(help: "Papers in the generated library.") var size: Int = 100_000
    @Option(help: "Rounds (each runs every command once; medians are reported).") var rounds: Int = 30
    @Option(help: "The reader binary.") var reader: String = ".build/release/reader"
    @Option(help: "The hello program (default: built from Benchmarks/hello.swift with swiftc).") var hello: String?
    @Option(help: "The seed listing titles and abstracts are drawn from.") var listing: String = "Examples/trending-papers.txt"
    @Option(help: "Working folder (kept: the library is reused when it is there).") var work: String = NSTemporaryDirectory() + "reader-bench-startup"

    func run() throws {
        guard FileManager.default.isExecutableFile(atPath: reader) else {
            throw ValidationError("\(reader) is not an executable; build it with `swift build -c release`")
        }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let runner = Runner(reader: reader)
        let hello = try self.hello ?? buildHello(runner)

        let library = work + "/library-\(size).sqlite"
        let sampleFile = library + ".sample"
        if !FileManager.default.fileExists(atPath: library) || !FileManager.default.fileExists(atPath: sampleFile) {
            let seed = try PapersListing.parse(try String(contentsOfFile: listing, encoding: .utf8), file: listing)
            let generated = try Generator(seed: seed, count: size, folder: work).write()
            _ = try runner.time([reader, "import", generated.backup, "--library", library])
            try generated.sampleArXivID.write(toFile: sampleFile, atomically: true, encoding: .utf8)
            for file in [generated.backup, generated.rows] { try? FileManager.default.removeItem(atPath: file) }
        }
        let arxiv = try String(contentsOfFile: sampleFile, encoding: .utf8)
        let sqlite = "/usr/bin/sqlite3"
        let match = "(\"krylov\") NOT state:trashed"
        let paper = "(SELECT id FROM paper WHERE arxiv_id = '\(arxiv)')"
        var flip = false
        let commands: [(name: String, arguments: () -> [String])] = [
            ("hello", { return [hello] }),
            ("sqlite3 start-up", { [sqlite, ":memory:", "SELECT 1"] }),
            ("reader --version", { [reader, "--version"] }),
            ("reader list --limit 20", { [reader, "list", "--limit", "20", "--library", library] }),
            ("sqlite3 list", { [sqlite, library, "SELECT id, title, status, year FROM paper WHERE coalesce(trashed, 0) = 0 ORDER BY added_at DESC, rowid DESC LIMIT 20"] }),
            ("reader show", { [reader, "show", arxiv, "--library", library] }),
            ("sqlite3 show", { [sqlite, library, """
                SELECT * FROM paper WHERE arxiv_id = '\(arxiv)';
                SELECT t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.paper_id = \(paper) AND pt.present = 1;
                SELECT body FROM note WHERE paper_id = \(paper) AND coalesce(trashed, 0) = 0;
                SELECT text FROM highlight WHERE paper_id = \(paper) AND coalesce(trashed, 0) = 0;
                """] }),
            ("reader tag", {
                flip.toggle()
                return [reader, "tag", arxiv, flip ? "+bench" : "-bench", "--library", library]
            }),
            ("sqlite3 tag", { [sqlite, library, """
                PRAGMA journal_mode = WAL;
                BEGIN IMMEDIATE;
                INSERT INTO paper_tag (id, paper_id, tag_id, present, clocks, changed_at)
                  VALUES ('bench-baseline', \(paper), 'bench-baseline', 1, '{}', 0)
                  ON CONFLICT (id) DO UPDATE SET present = 1 - present, changed_at = changed_at + 1;
                COMMIT;
                """] }),
            ("reader search krylov", { [reader, "search", "krylov", "--library", library] }),
            ("sqlite3 search krylov", { [sqlite, library, """
                SELECT p.id, p.title, snippet(paper_fts, -1, '[', ']', '…', 24), bm25(paper_fts, 10.0, 4.0, 1.0, 6.0, 3.0, 3.0, 0.0) AS score
                FROM paper_fts JOIN paper p ON p.rowid = paper_fts.rowid
                WHERE paper_fts MATCH '\(match)' AND paper_fts.rowid IN (
                    SELECT rowid FROM paper_fts WHERE paper_fts MATCH '\(match)' ORDER BY bm25(paper_fts, 10.0, 4.0, 1.0, 6.0, 3.0, 3.0, 0.0) LIMIT 20)
                ORDER BY score
                """] }),
        ]
        var times = Array(repeating: [Double](), count: commands.count)
        for _ in 0..<max(1, rounds) {
            for (index, command) in commands.enumerated() {
                times[index].append(try runner.time(command.arguments()).seconds)
            }
        }
        let median = Dictionary(uniqueKeysWithValues: commands.indices.map { (commands[$0].name, Figures.median(times[$0])) })
        func m(_ name: String) -> Double { median[name] ?? .nan }

        print("# reader-bench startup\n")
        print("\(size) papers; \(rounds) interleaved rounds; medians of whole processes\n")
        print("| command | reader | floor | ratio | target |")
        print("|---|---:|---:|---:|---:|")
        let versionRatio = m("reader --version") / m("hello")
        print("| `--version` | \(Figures.ms(m("reader --version"))) | hello \(Figures.ms(m("hello"))) | \(String(format: "%.2f", versionRatio))x | 1.5x |")
        for (name, baseline) in [("list --limit 20", "sqlite3 list"), ("show", "sqlite3 show"), ("tag", "sqlite3 tag"), ("search krylov", "sqlite3 search krylov")] {
            let floor = m("hello") + m(baseline)
            let ours = m("reader " + name)
            print("| `\(name)` | \(Figures.ms(ours)) | hello + \(baseline) \(Figures.ms(floor)) (\(Figures.ms(m(baseline)))) | \(String(format: "%.2f", ours / floor))x | 2x |")
        }
        print("\n`sqlite3 :memory: 'SELECT 1'`: \(Figures.ms(m("sqlite3 start-up")))")
    }

    /// Builds Benchmarks/hello.swift with the `swiftc` on the PATH.
    func buildHello(_ runner: Runner) throws -> String {
        let output = work + "/hello-static"
        _ = try runner.time(["/usr/bin/env", "swiftc", "-O", "-static-stdlib", "Benchmarks/hello.swift", "-o", output])
        return output
    }
}
