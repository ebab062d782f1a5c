import Foundation
import Interchange
import Model
import Testing

/// `ImportFormat.forEachDraft` hands papers over as it reads them (BibTeX on a
/// second thread); what it hands over and reports must be what the whole read gives.
@Suite("Reading a file paper by paper")
struct StreamingReadTests {
    /// What one read gave: the drafts, then each problem in the order reported.
    struct Outcome: Equatable {
        var drafts: [PaperDraft] = []
        var skipped: [ImportError] = []
        var warnings: [ImportError] = []
        var error: ImportError?
    }

    static func whole(_ format: ImportFormat, _ data: Data, file: String, skipping: Bool, warning: Bool) -> Outcome {
        var outcome = Outcome()
        do {
            outcome.drafts = try format.drafts(from: data, file: file, problems: ImportProblems(
                skipping: skipping ? { outcome.skipped.append($0) } : nil,
                warning: warning ? { outcome.warnings.append($0) } : nil))
        } catch {
            outcome.error = error
            outcome.drafts = []
        }
        return outcome
    }

    static func streamed(_ format: ImportFormat, _ data: Data, file: String, skipping: Bool, warning: Bool) -> Outcome {
        var outcome = Outcome()
        var drafts: [PaperDraft] = []
        do {
            try format.forEachDraft(in: data, file: file, problems: ImportProblems(
                skipping: skipping ? { outcome.skipped.append($0) } : nil,
                warning: warning ? { outcome.warnings.append($0) } : nil)) { drafts.append($0) }
            outcome.drafts = drafts
        } catch let error as ImportError {
            outcome.error = error
        } catch {
            Issue.record("unexpected \(error)")
        }
        return outcome
    }

    static let corpus: [String] = {
        let folder = repositoryRoot.appendingPathComponent("Tests/Fixtures/corpus")
        let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".bib") }.sorted().map { "Tests/Fixtures/corpus/" + $0 }
            + ["Tests/Fixtures/refs.bib", "Tests/Fixtures/latex.bib", "Tests/Fixtures/names.bib", "Tests/Fixtures/types.bib"]
    }()

    /// The corpus's files under 100 KB every time; all of them when the slow suites run.
    @Test func everyBibTeXFileOfTheCorpusGivesTheSameDraftsAndProblemsPaperByPaper() throws {
        #expect(Self.corpus.count > 100)
        for path in Self.corpus {
            let data = try Data(contentsOf: repositoryRoot.appendingPathComponent(path))
            guard data.count < 100_000 || SlowTests.enabled else { continue }
            for (skipping, warning) in [(false, true), (true, true), (true, false), (false, false)] {
                let whole = Self.whole(.bibtex, data, file: path, skipping: skipping, warning: warning)
                let streamed = Self.streamed(.bibtex, data, file: path, skipping: skipping, warning: warning)
                #expect(streamed == whole, "\(path), skipping \(skipping), warnings \(warning)")
            }
        }
    }

    @Test(arguments: ImportFormat.all.filter { !$0.isBackup })
    func everyFormatHandsOverWhatItReadsWhole(format: ImportFormat) throws {
        let fixtures: [String: String] = [
            "bibtex": "Tests/Fixtures/refs.bib", "csl-json": "Tests/Fixtures/zotero.csl.json", "ris": "Tests/Fixtures/export.ris",
            "hf-daily": "Tests/Fixtures/hf-daily-papers.json", "listing": "Examples/trending-papers.txt",
        ]
        guard let path = fixtures[format.name] else { return }
        let data = try Data(contentsOf: repositoryRoot.appendingPathComponent(path))
        let whole = Self.whole(format, data, file: path, skipping: true, warning: true)
        #expect(!whole.drafts.isEmpty)
        #expect(Self.streamed(format, data, file: path, skipping: true, warning: true) == whole)
    }

    /// Many more entries than go between the threads at once, a bad one near the end.
    static func longFile(badAt bad: Int, count: Int = 3_000) -> String {
        (0..<count).map { index in
            index == bad ? "@article{e\(index), title = {Unclosed, year = 2020\n" : "@article{e\(index), title = {Entry number \(index)}, year = {2020}}\n"
        }.joined()
    }

    @Test func aBadEntryFarIntoALongFileStopsTheReadWithItsLineAfterTheEntriesBeforeIt() throws {
        var handed = 0
        #expect(throws: ImportError(file: "long.bib", line: 2_901, reason: "unbalanced braces: the value of field 'title' of @article{e2900} is not closed before the entry at line 2902")) {
            try ImportFormat.bibtex.forEachDraft(in: Data(Self.longFile(badAt: 2_900).utf8), file: "long.bib", problems: ImportProblems()) { _ in handed += 1 }
        }
        #expect(handed == 0, "the whole file is checked before the first entry is handed over: a file that does not parse gives nothing")

        var titles: [String] = []
        var skipped: [Int?] = []
        try ImportFormat.bibtex.forEachDraft(in: Data(Self.longFile(badAt: 2_900).utf8), file: "long.bib",
                                             problems: ImportProblems(skipping: { skipped.append($0.line) })) { titles.append($0.title) }
        #expect(titles.count == 2_999)
        #expect(titles.first == "Entry number 0" && titles.last == "Entry number 2999")
        #expect(skipped == [2_901])
    }

    /// Children before and after their parents, an `@xdata` used from both sides,
    /// a chain, a duplicate key, a missing parent and a bad entry.
    static let inheriting = """
        @string{pmlr = {Proceedings of Machine Learning Research}}
        @inproceedings{early, title = {A Child Before Its Parent}, author = {Ada Lovelace}, crossref = {icml}}
        @xdata{press, publisher = {PMLR}, location = {Honolulu}}
        @inproceedings{chained, title = {A Grandchild}, crossref = {workshop}}
        @proceedings{workshop, title = {Workshop at ICML}, crossref = {icml}}
        @article{broken, title = {Unclosed, year = 2020
        @proceedings{icml, title = {Proc. ICML}, series = pmlr, year = 2023, xdata = {press}}
        @inproceedings{late, title = {A Child After Its Parent}, crossref = {ICML}, year = 2024}
        @proceedings{icml, title = {A Second ICML}, year = 1999}
        @article{orphan, title = {No Parent Here}, crossref = {missing}, xdata = {nowhere}}
        @book{data, title = {With Data Only}, xdata = {press}}

        """

    @Test func entriesInheritWhereverTheirParentIsInTheFile() throws {
        let data = Data(Self.inheriting.utf8)
        for (skipping, warning) in [(false, true), (true, true), (true, false), (false, false)] {
            let whole = Self.whole(.bibtex, data, file: "inheriting.bib", skipping: skipping, warning: warning)
            let streamed = Self.streamed(.bibtex, data, file: "inheriting.bib", skipping: skipping, warning: warning)
            #expect(streamed == whole, "skipping \(skipping), warnings \(warning)")
        }
        let read = Self.streamed(.bibtex, data, file: "inheriting.bib", skipping: true, warning: true)
        let byTitle = Dictionary(read.drafts.map { ($0.title, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byTitle["A Child Before Its Parent"]?.venue == "Proc. ICML")
        #expect(byTitle["A Child Before Its Parent"]?.year == 2023)
        #expect(byTitle["A Child Before Its Parent"]?.bibFields["publisher"] == "PMLR")
        #expect(byTitle["A Child Before Its Parent"]?.bibFields["series"] == "Proceedings of Machine Learning Research")
        #expect(byTitle["A Child After Its Parent"]?.year == 2024)
        #expect(byTitle["A Grandchild"]?.venue == "Workshop at ICML")
        #expect(byTitle["With Data Only"]?.bibFields["location"] == "Honolulu")
        #expect(read.skipped.map(\.line) == [6])
        #expect(read.warnings.map(\.reason) == [
            "@article{orphan} names xdata 'nowhere', which the file does not have",
            "@article{orphan} has crossref 'missing', which the file does not have",
        ])
    }

    @Test func aFileThatStopsBeingUTF8FarInIsRefusedWithTheLineBeforeAnyPaper() throws {
        var bytes = Array(Self.longFile(badAt: -1).utf8)
        let line = 2_000
        let offset = bytes.indices.filter { bytes[$0] == 0x0A }[line - 2] + 20
        bytes[offset] = 0xFF
        var handed = 0
        #expect(throws: ImportError(file: "long.bib", line: line, reason: "not UTF-8 text (byte 0xFF) at byte \(offset + 1)")) {
            try ImportFormat.bibtex.forEachDraft(in: Data(bytes), file: "long.bib", problems: ImportProblems()) { _ in handed += 1 }
        }
        #expect(handed == 0)
    }

    @Test func aWholeReadOfAFileThatStopsBeingUTF8SaysWhereLikeTheStreamingOne() throws {
        var bytes = Array(Self.longFile(badAt: -1).utf8)
        let line = 1_200
        let offset = bytes.indices.filter { bytes[$0] == 0x0A }[line - 2] + 5
        bytes[offset] = 0xE9
        #expect(throws: ImportError(file: "long.bib", line: line, reason: "not UTF-8 text (byte 0xE9) at byte \(offset + 1)")) {
            try ImportFormat.bibtex.drafts(from: Data(bytes), file: "long.bib")
        }
    }

    /// A mapped file larger than the stretch after which the reading hands pages
    /// back: every pass reads on after letting go of what it read.
    @Test(.enabled(if: SlowTests.enabled, SlowTests.skipped))
    func aLargeMappedFileReadsAsTheSameBytesInMemory() throws {
        let abstract = String(repeating: "Krylov subspaces for {L}aplacians of graphs. ", count: 22)
        var text = "@proceedings{parent, title = {The Parent}, year = 2021}\n"
        for index in 0..<9_500 {
            text += "@article{e\(index), title = {Entry \(index)}, abstract = {\(abstract)}\(index % 1000 == 0 ? ", crossref = {parent}" : "")}\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(UUID().uuidString).bib").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mapped = try #require(MappedFile.data(atPath: path))
        #expect(mapped.count > 9 << 20)
        let streamed = Self.streamed(.bibtex, mapped, file: "large.bib", skipping: false, warning: true)
        #expect(streamed.error == nil)
        #expect(streamed.drafts.count == 9_501)
        #expect(streamed == Self.whole(.bibtex, Data(text.utf8), file: "large.bib", skipping: false, warning: true))
        #expect(streamed.drafts.filter { $0.venue == "The Parent" }.count == 10)
    }

    struct Stop: Error {}

    @Test func anErrorFromTheBodyStopsTheReadAndIsThrown() throws {
        var handed = 0
        #expect(throws: Stop.self) {
            try ImportFormat.bibtex.forEachDraft(in: Data(Self.longFile(badAt: -1).utf8), file: "long.bib", problems: ImportProblems()) { _ in
                handed += 1
                if handed == 1_000 { throw Stop() }
            }
        }
        #expect(handed == 1_000)
    }
}
