import ArgumentParser
import Foundation
import Interchange
import Model

/// BibTeX import and every export on a generated library of `count` papers:
/// the parser's speed in process, then whole `reader` processes with their peak
/// memory, each beside a baseline run in the same invocation.
struct FormatsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats",
        abstract: "Benchmark BibTeX import and the exports on a generated library."
    )

    @Option(help: "Papers in the generated BibTeX file.") var count: Int = 100_000
    @Option(help: "Runs of each measurement (the median is reported).") var runs: Int = 3
    @Option(help: "The reader binary.") var reader: String = ".build/release/reader"
    @Option(help: "The seed listing titles and abstracts are drawn from.") var listing: String = "Examples/trending-papers.txt"
    @Option(help: "Working folder (removed at the end unless --keep).") var work: String = NSTemporaryDirectory() + "reader-bench-formats"
    @Flag(help: "Keep the working folder (the generated file, the library and the exports).") var keep = false
    @Flag(help: "Only the imports of every format, each beside a plain SQLite bulk insert of the rows it stored.") var importsOnly = false

    func run() throws {
        guard FileManager.default.isExecutableFile(atPath: reader) else {
            throw ValidationError("\(reader) is not an executable; build it with `swift build -c release`")
        }
        let seed = try PapersListing.parse(try String(contentsOfFile: listing, encoding: .utf8), file: listing)
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: work) } }
        let runner = Runner(reader: reader)

        // A BibTeX file as a reference manager writes it: LaTeX accents, escaped
        // specials, protected capitals, arXiv eprints, DOIs, keywords.
        let bib = work + "/generated.bib"
        try Self.writeBibTeX(seed: seed, count: count, to: bib)
        let bytes = (try FileManager.default.attributesOfItem(atPath: bib)[.size] as? Int) ?? 0

        print("# reader-bench formats\n")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB; \(count) papers, BibTeX file \(bytes >> 20) MiB; medians of \(runs)\n")
        if importsOnly {
            try importEveryFormat(seed: seed, bib: bib, runner: runner)
            return
        }

        // The parser in process (LaTeX to Unicode included), beside a scan that only
        // finds the entries (`@` at a line start): the floor any parser pays. Twice:
        // entries with abstracts (as Zotero exports them) and without (as DBLP and
        // Google Scholar give them).
        let bare = work + "/generated-no-abstracts.bib"
        try Self.writeBibTeX(seed: seed, count: count, to: bare, abstracts: false)
        for (label, path) in [("with abstracts", bib), ("without abstracts", bare)] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            var parseTimes: [Double] = [], scanTimes: [Double] = []
            var entries = 0
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                entries = try BibTeX.parse(text, file: path).count
                parseTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                let scanStart = DispatchTime.now().uptimeNanoseconds
                var found = 0, atLineStart = true
                for byte in text.utf8 {
                    if atLineStart && byte == UInt8(ascii: "@") { found += 1 }
                    atLineStart = byte == 0x0A
                }
                precondition(found == count + 1, "the file has one @string and one entry per paper")
                scanTimes.append(Double(DispatchTime.now().uptimeNanoseconds - scanStart) / 1e9)
            }
            let parse = median(parseTimes), scan = median(scanTimes)
            print("BibTeX parse (in process, \(label), \(text.utf8.count >> 20) MiB): \(entries) entries in \(ms(parse)), \(Int(Double(entries) / parse)) entries/s; entry scan baseline \(ms(scan)) (parse/scan \(String(format: "%.1f", parse / scan))x)\n")
        }

        // `reader import` of the file into a fresh library, whole process.
        var imports: [Measurement] = []
        let library = work + "/library.sqlite"
        for run in 0..<runs {
            let target = run == runs - 1 ? library : work + "/import-\(run).sqlite"
            imports.append(try runner.time([reader, "import", bib, "--library", target]))
            if target != library { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) } }
        }
        let importRSS = try runner.peakRSS([reader, "import", bib, "--library", work + "/rss.sqlite"])
        let importTime = Runner.median(imports).seconds
        print("`reader import` (BibTeX, \(count) entries, fresh library): \(ms(importTime)) (\(Int(Double(count) / importTime)) entries/s), peak RSS \(mib(importRSS))\n")

        // Keys are given before the first export; time the exports after that, as a user sees them every day.
        _ = try runner.time([reader, "export", "--format", "bibtex", "-o", work + "/warm.bib", "--library", library])
        let baselineCommand = ["/usr/bin/sqlite3", library, "SELECT cite_key, title, authors, year, arxiv_id, doi, url, abstract FROM paper ORDER BY added_at DESC, rowid DESC"]
        print("| export | time | papers/s | vs sqlite3 dump | peak RSS | output |")
        print("|---|---:|---:|---:|---:|---:|")
        for format in ["bibtex", "biblatex", "csl-json", "ris", "json", "csv", "markdown"] {
            let out = work + "/export.\(format)"
            let command = [reader, "export", "--format", format, "-o", out, "--library", library]
            var ours: [Double] = [], plain: [Double] = []
            for _ in 0..<runs {
                // Interleaved, so both see the same noise.
                ours.append(try runner.time(command).seconds)
                plain.append(try runner.time(baselineCommand).seconds)
            }
            let time = median(ours), base = median(plain)
            let rss = try runner.peakRSS(command)
            let size = (try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            print("| \(format) | \(ms(time)) | \(Int(Double(count) / time)) | \(String(format: "%.2f", time / base))x (\(ms(base))) | \(mib(rss)) | \(size >> 20) MiB |")
        }
    }

    /// `reader import` of the same papers in every format, each into a new library,
    /// beside `Benchmarks/import_baseline.py`: a plain bulk insert of the rows that
    /// import stored into the same schema, in one transaction, index filled at once.
    func importEveryFormat(seed: [PaperDraft], bib: String, runner: Runner) throws {
        let empty = work + "/empty.sqlite"
        _ = try runner.time([reader, "stats", "--library", empty])
        // The other bibliographic formats as reader writes them, from the BibTeX file's papers.
        let source = work + "/source.sqlite"
        _ = try runner.time([reader, "import", bib, "--library", source])
        var files = [("bibtex", bib)]
        for format in ["biblatex", "csl-json", "ris"] {
            let path = work + "/generated.\(format)"
            _ = try runner.time([reader, "export", "--format", format, "-o", path, "--library", source])
            files.append((format, path))
        }
        for (format, write) in [("listing", Self.writeListing), ("hf-daily", Self.writeDailyPapers), ("arxiv-atom", Self.writeAtomFeed)] {
            let path = work + "/generated.\(format)"
            try write(seed, count, path)
            files.append((format, path))
        }
        print("| format | file | `reader import` | papers/s | bulk insert (insert + index + commit) | ratio | peak RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for (format, file) in files {
            var ours: [Double] = [], plain: [Double] = []
            var parts: [[Double]] = []
            for run in 0..<runs {
                let library = work + "/import-\(format)-\(run).sqlite"
                ours.append(try runner.time([reader, "import", file, "--format", Self.importFormat(format), "--library", library]).seconds)
                let out = work + "/baseline.sqlite"
                let result = try runner.output(["/usr/bin/env", "python3", "Benchmarks/import_baseline.py", empty, library, out])
                guard let object = try JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Any],
                      let seconds = object["seconds"] as? Double else { throw BenchError("import_baseline.py printed \(result)") }
                plain.append(seconds)
                parts.append(["insert", "index", "commit"].map { object[$0] as? Double ?? 0 })
                for path in [library, out] { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            }
            let rss = try runner.peakRSS([reader, "import", file, "--format", Self.importFormat(format), "--library", work + "/rss.sqlite"])
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: work + "/rss.sqlite" + suffix) }
            let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            let time = median(ours), base = median(plain)
            let split = (0..<3).map { part in ms(median(parts.map { $0[part] })) }.joined(separator: " + ")
            print("| \(format) | \(size >> 20) MiB | \(ms(time)) | \(Int(Double(count) / time)) | \(ms(base)) (\(split)) | \(String(format: "%.2f", time / base))x | \(mib(rss)) |")
        }
    }

    /// The `--format` that reads a file written as `format` (BibLaTeX is read as BibTeX).
    static func importFormat(_ format: String) -> String { format == "biblatex" ? "bibtex" : format }

    /// The pasted listing: a title line, a blank line, the abstract, a blank line.
    static func writeListing(seed: [PaperDraft], count: Int, to path: String) throws {
        try write(path) { file in
            for index in 0..<count {
                let source = seed[index % seed.count]
                file.write("\(source.title)\(index < seed.count ? "" : " (\(index / seed.count + 1))")\n\n\(source.abstract ?? "An abstract.")\n\n")
            }
        }
    }

    /// Hugging Face daily papers as its API answers.
    static func writeDailyPapers(seed: [PaperDraft], count: Int, to path: String) throws {
        try write(path) { file in
            file.write("[\n")
            for index in 0..<count {
                let source = seed[index % seed.count]
                let paper: [String: Any] = [
                    "id": String(format: "24%02d.%05d", 1 + index / 99_999 % 12, index % 99_999 + 1),
                    "authors": (0..<(1 + index % 6)).map { ["_id": "\($0)", "name": "Author \(index % 97) Number\($0)", "hidden": false] },
                    "publishedAt": "2024-05-31T17:50:01.000Z",
                    "title": source.title + (index < seed.count ? "" : " (\(index / seed.count + 1))"),
                    "summary": source.abstract ?? "An abstract.", "upvotes": index % 50,
                ]
                let object: [String: Any] = ["paper": paper, "title": paper["title"] ?? "", "publishedAt": "2024-06-03T00:34:43.061Z", "numComments": 0]
                let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                file.write(String(decoding: json, as: UTF8.self) + (index == count - 1 ? "\n" : ",\n"))
            }
            file.write("]\n")
        }
    }

    /// An arXiv API Atom feed.
    static func writeAtomFeed(seed: [PaperDraft], count: Int, to path: String) throws {
        func xml(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        try write(path) { file in
            file.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title type=\"html\">ArXiv Query</title>\n")
            for index in 0..<count {
                let source = seed[index % seed.count]
                let id = String(format: "24%02d.%05d", 1 + index / 99_999 % 12, index % 99_999 + 1)
                let title = source.title + (index < seed.count ? "" : " (\(index / seed.count + 1))")
                let authors = (0..<(1 + index % 6)).map { "    <author>\n      <name>Author \(index % 97) Number\($0)</name>\n    </author>\n" }.joined()
                file.write("""
                      <entry>
                        <id>http://arxiv.org/abs/\(id)v1</id>
                        <updated>2024-06-01T00:00:00Z</updated>
                        <published>2024-05-31T17:50:01Z</published>
                        <title>\(xml(title))</title>
                        <summary>\(xml(source.abstract ?? "An abstract."))</summary>
                    \(authors)    <link href="http://arxiv.org/abs/\(id)v1" rel="alternate" type="text/html"/>
                        <link title="pdf" href="http://arxiv.org/pdf/\(id)v1" rel="related" type="application/pdf"/>
                        <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
                      </entry>

                    """)
            }
            file.write("</feed>\n")
        }
    }

    static func write(_ path: String, _ body: (inout BufferedFile) throws -> Void) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw BenchError("cannot write \(path)") }
        var file = BufferedFile(handle: handle)
        try body(&file)
        file.flush()
    }

    static func writeBibTeX(seed: [PaperDraft], count: Int, to path: String, abstracts: Bool = true) throws {
        try write(path) { file in
            var random = SplitMix64(seed: UInt64(count))
            let given = ["Ada", "Kurt", "Émilie", "Alan", "Łukasz", "Grace", "Yoshua", "Fei-Fei", "Niklaus", "Radia"]
            let family = ["Lovelace", "G{\\\"o}del", "du Ch{\\^a}telet", "Turing", "Kaiser", "Hopper", "Bengio", "Li", "Wirth", "M{\\\"u}ller"]
            file.write("@string{neurips = {Advances in Neural Information Processing Systems}}\n\n")
            for index in 0..<count {
                let source = seed[index % seed.count]
                let title = LaTeX.escape(source.title + (index < seed.count ? "" : " (\(index / seed.count + 1))"), protectingCase: true)
                let authors = (0..<(1 + Int(random.next() % 8))).map { _ in
                    family[Int(random.next() % UInt64(family.count))] + ", " + given[Int(random.next() % UInt64(given.count))]
                }.joined(separator: " and ")
                let year = 2015 + index % 11
                let arxiv = String(format: "%02d%02d.%05d", year % 100, 1 + (index / 99_999) % 12, index % 99_999 + 1)
                var entry = "@article{paper\(index),\n  title = {\(title)},\n  author = {\(authors)},\n  year = {\(year)},\n  month = \(["jan", "may", "sep"][index % 3]),\n"
                if index % 2 == 0 { entry += "  journal = neurips # { \(year - 1986)},\n" }
                if index % 3 == 0 { entry += "  doi = {10.5555/\(index).\(year)},\n" }
                entry += "  eprint = {\(arxiv)},\n  archivePrefix = {arXiv},\n  primaryClass = {cs.LG},\n  keywords = {ml, bench},\n"
                entry += abstracts ? "  abstract = {\(LaTeX.escape(source.abstract ?? ""))}\n}\n\n" : "  note = {Preprint}\n}\n\n"
                file.write(entry)
            }
        }
    }

    func median(_ values: [Double]) -> Double { Figures.median(values) }
    func ms(_ seconds: Double) -> String { Figures.ms(seconds) }
    func mib(_ kib: Int?) -> String { Figures.mib(kib) }
}
