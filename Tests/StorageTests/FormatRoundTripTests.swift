import Foundation
import Interchange
import Model
import Testing
@testable import Storage

/// Export then import into an empty library gives the same papers, in every
/// field each format can hold, for the bundled example and for generated papers
/// full of hostile text.
@Suite("Format round trips")
struct FormatRoundTripTests {
    /// Text that breaks naive exporters: LaTeX specials, quotes, braces, emoji,
    /// combining marks, right-to-left script, BibTeX's own words.
    static let pieces = [
        "%", "&", "$", "#", "_", "{", "}", "~", "^", "\\", "\"", "'", "''", "``", "`", "--", "---", "@", ",",
        "and", "others", "$x^2$", "$f$-Divergence", "{BERT}", "\\alpha", "100%", "C#", "a_b", "~user",
        "🧪", "👩🏽‍🔬", "é", "e\u{301}", "ñ", "Ω", "שלום", "مرحبا", "中文", "GPT-4", "LLaMA", "x", "Model", "word",
    ]

    static func text(_ random: inout SplitMix64, words: Int) -> String {
        (0..<words).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined(separator: " ")
    }

    static func name(_ random: inout SplitMix64) -> String {
        let letters = ["Ana", "Björk", "O'Neil", "Zoë", "van", "de", "la", "Núñez", "Müller", "Li", "ʻOkina", "Jr.", "Łukasz"]
        var words = (0..<(2 + Int(random.next() % 2))).map { _ in letters[Int(random.next() % UInt64(letters.count))] }
        if words[0].first?.isLowercase == true { words[0] = "Kim" }
        if words.last?.first?.isLowercase == true { words[words.count - 1] = "Ng" }
        return words.joined(separator: " ")
    }

    /// Papers with hostile titles, names, venues and abstracts (one of 10,000 characters).
    static func hostileDrafts(seed: UInt64, count: Int) -> [PaperDraft] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { i in
            var d = PaperDraft(title: "T\(i) " + text(&random, words: 3 + Int(random.next() % 8)))
            d.authors = (0..<(1 + Int(random.next() % 3))).map { _ in name(&random) }
            let lines = (0..<(1 + Int(random.next() % 4))).map { _ in text(&random, words: 1 + Int(random.next() % 12)) }
            d.abstract = i == 0 ? String(repeating: text(&random, words: 40) + " ", count: 60).prefix(10_000).description : lines.joined(separator: "\n")
            d.year = 1990 + Int(random.next() % 35)
            d.published = random.next() % 2 == 0 ? "\(d.year!)-0\(1 + random.next() % 9)-1\(random.next() % 9)" : "\(d.year!)"
            if random.next() % 2 == 0 { d.arxiv = ArXivID("\(2000 + i % 100).\(10000 + i)v\(1 + random.next() % 3)") }
            if random.next() % 2 == 0 { d.doi = DOI("10.1234/x.\(i)_(\(random.next() % 100))") }
            if random.next() % 2 == 0 { d.venue = text(&random, words: 3) }
            d.url = "https://example.org/~u/p?i=\(i)&q=a%20b#frag"
            d.tags = [try! TagName("t\(random.next() % 5)")]
            return d
        }
    }

    enum Format: String, CaseIterable { case bibtex, biblatex, cslJSON, ris }

    /// Exports through the registry, as `reader export --format` does.
    static func export(_ library: Library, _ format: Format) throws -> String {
        try library.assignCiteKeys()
        let registered = try #require(ExportFormat.named(format == .cslJSON ? "csl-json" : format.rawValue))
        var writer = registered.writer(to: .inMemory())
        try library.forEachDetail(annotations: registered.needsAnnotations) { writer.write($0, key: $0.paper.citeKey ?? "") }
        return writer.finish().text
    }

    /// Reads an export back in the format detection finds for it, as `reader import` does.
    static func parse(_ text: String, _ format: Format) throws -> [PaperDraft] {
        let detected = try #require(ImportFormat.detect(text))
        #expect(detected == (format == .cslJSON ? .csl : format == .ris ? .ris : .bibtex), "\(format) export detected as \(detected)")
        return try detected.drafts(from: Data(text.utf8), file: "export")
    }

    /// The fields a format holds, as they should come back.
    static func projection(_ detail: PaperDetail, _ format: Format) -> [String: String] {
        let p = detail.paper
        func collapsed(_ text: String?) -> String { text.map { TextNormalization.singleLine($0) } ?? "" }
        var fields: [String: String] = [
            "id": p.id.lowercased, "title": p.title, "authors": p.authors.joined(separator: " | "),
            "year": p.year.map(String.init) ?? "", "arxiv": p.arxiv?.description ?? "", "doi": p.doi?.value ?? "",
            "url": p.url ?? "", "venue": p.venue ?? "", "tags": detail.tags.map(\.value).joined(separator: ","),
            "key": p.citeKey ?? "",
        ]
        switch format {
        case .bibtex:
            fields["published"] = p.published.map { String($0.prefix(7)) } ?? ""
            fields["abstract"] = collapsed(p.abstract)
            fields["category"] = p.arxiv == nil ? "" : p.categories.first ?? ""
        case .biblatex:
            fields["published"] = p.published ?? ""
            fields["abstract"] = collapsed(p.abstract)
            fields["category"] = p.arxiv == nil ? "" : p.categories.first ?? ""
        case .cslJSON:
            fields["published"] = p.published ?? ""
            fields["abstract"] = p.abstract?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        case .ris:
            fields["published"] = p.published ?? ""
            fields["abstract"] = collapsed(p.abstract)
            fields["pdf"] = p.pdfURL ?? ""
        }
        return fields
    }

    static func details(_ library: Library) throws -> [String: PaperDetail] {
        var result: [String: PaperDetail] = [:]
        try library.forEachDetail(annotations: false) { result[$0.paper.id.lowercased] = $0 }
        return result
    }

    static func checkRoundTrip(_ source: Library, _ format: Format, label: String) throws {
        let exported = try export(source, format)
        let target = try TemporaryLibrary()
        let report = try target.library.importPapers(try parse(exported, format))
        let before = try details(source), after = try details(target.library)
        #expect(report.added == before.count, "\(label) \(format): \(report.added) of \(before.count) papers came back")
        for (id, detail) in before {
            guard let back = after[id] else { Issue.record("\(label) \(format): \(detail.paper.title.prefix(60)) is missing"); continue }
            let expected = projection(detail, format), actual = projection(back, format)
            for (field, value) in expected where actual[field] != value {
                Issue.record("\(label) \(format) \(field) of \(id): expected \(value.debugDescription.prefix(300)), got \((actual[field] ?? "nil").debugDescription.prefix(300))")
            }
        }
        // The same library exports byte-identical text again.
        #expect(try export(source, format) == exported, "\(label) \(format): a second export differs")
    }

    @Test(arguments: Format.allCases)
    func theBundledExampleComesBackWhole(_ format: Format) throws {
        let source = try TemporaryLibrary()
        let url = repositoryRoot.appendingPathComponent("Examples/trending-papers.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        _ = try source.library.importPapers(try PapersListing.parse(text, file: "trending-papers.txt"))
        try Self.checkRoundTrip(source.library, format, label: "example")
    }

    @Test(arguments: Format.allCases)
    func hostileTextComesBackWhole(_ format: Format) throws {
        for seed: UInt64 in (ProcessInfo.processInfo.environment["ROUND_TRIP_SEEDS"].flatMap(UInt64.init).map { Array(1...$0) } ?? [1, 2, 3]) {
            print("format round trip: seed \(seed) (ROUND_TRIP_SEEDS=N runs seeds 1...N)")
            let source = try TemporaryLibrary()
            var drafts = Self.hostileDrafts(seed: seed, count: 120)
            for i in drafts.indices where i % 3 == 0 { drafts[i].categories = ["cs.LG", "stat.ML"] }
            _ = try source.library.importPapers(drafts)
            try Self.checkRoundTrip(source.library, format, label: "seed \(seed)")
        }
    }
}
