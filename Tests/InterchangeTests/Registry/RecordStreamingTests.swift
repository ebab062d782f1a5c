import Foundation
import Interchange
import Model
import Testing

/// RIS, Web of Science, the pasted listing, CSL-JSON, Hugging Face JSON and the arXiv feed are read
/// record by record (`ReadRecord`): an import stores each paper while a second
/// thread reads on, and never holds the file's text or every draft. What the
/// stream hands over and reports must be what the whole read gives, in order.
@Suite("Reading RIS, listings, JSON and feeds record by record")
struct RecordStreamingTests {
    /// A file of `count` records in one format, the one at `bad` (if any) broken in
    /// a way the format's reader reports with the record's place.
    struct LongFile: CustomTestStringConvertible, Sendable {
        let format: ImportFormat
        let name: String
        let record: @Sendable (_ index: Int, _ abstract: String) -> String
        let broken: @Sendable (_ index: Int) -> String
        var head = ""
        var separator = ""
        var tail = ""

        var testDescription: String { format.name }

        func text(count: Int, badAt bad: Int = -1, abstract: String = Self.abstract) -> String {
            head + (0..<count).map { $0 == bad ? broken($0) : record($0, abstract) }.joined(separator: separator) + tail
        }

        static let abstract = String(repeating: "Krylov subspaces recycled across related linear systems. ", count: 3)

        static func arxiv(_ index: Int) -> String { "2401." + String(format: "%05d", index + 1) }

        static let all: [LongFile] = [
            LongFile(format: .ris, name: "long.ris",
                     record: { "TY  - JOUR\nTI  - Entry number \($0)\nAB  - \($1)\nPY  - 2020\nER  - \n\n" },
                     broken: { "TY  - JOUR\nTI  - Entry number \($0) without its end\n\n" }),
            LongFile(format: .webOfScience, name: "savedrecs.txt",
                     record: { "PT J\nTI Entry number \($0)\nAB \($1)\nPY 2020\nER\n\n" },
                     broken: { "PT J\nTI Entry number \($0) without its end\n\n" },
                     head: "FN Clarivate Analytics Web of Science\nVR 1.0\n", tail: "EF\n"),
            LongFile(format: .listing, name: "long.txt",
                     record: { "Entry number \($0)\n\n\($1)\n\n" },
                     broken: { "A title whose abstract is missing \($0)\n\n" }, head: "Trending papers\n\n"),
            LongFile(format: .csl, name: "long.json",
                     record: { #"{"type": "article", "title": "Entry number \#($0)", "abstract": "\#($1)", "issued": {"date-parts": [[2020]]}}"# },
                     broken: { _ in "42" }, head: "[\n", separator: ",\n", tail: "\n]\n"),
            LongFile(format: .hfDaily, name: "long.json",
                     record: { #"{"paper": {"id": "\#(arxiv($0))", "title": "Entry number \#($0)", "summary": "\#($1)"}}"# },
                     broken: { #"{"paper": {"id": "not-an-id-\#($0)", "title": "Broken"}}"# }, head: "[\n", separator: ",\n", tail: "\n]\n"),
            LongFile(format: .arxivAtom, name: "long.xml",
                     record: { "<entry><id>http://arxiv.org/abs/\(arxiv($0))v1</id><title>Entry number \($0)</title><summary>\($1)</summary></entry>\n" },
                     broken: { "<entry><id>http://arxiv.org/api/errors#id_\($0)</id><title>Error</title><summary>malformed id \($0)</summary></entry>\n" },
                     head: "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>ArXiv Query</title>\n", tail: "</feed>\n"),
        ]
    }

    typealias Outcome = StreamingReadTests.Outcome

    @Test(arguments: LongFile.all)
    func aBadRecordFarIntoALongFileStopsTheReadAfterTheRecordsBeforeIt(file: LongFile) throws {
        let data = Data(file.text(count: 3_000, badAt: 2_900).utf8)
        let whole = StreamingReadTests.whole(file.format, data, file: file.name, skipping: false, warning: true)
        let wholeError = try #require(whole.error, "the whole read refuses the file")
        var handed: [String] = []
        #expect(throws: wholeError) {
            try file.format.forEachDraft(in: data, file: file.name, problems: ImportProblems(warning: { _ in })) { handed.append($0.title) }
        }
        #expect(handed.count == 2_900, "the papers before the bad record were handed over, in order, and no more")
        #expect(handed.last == "Entry number 2899")

        let skipping = StreamingReadTests.streamed(file.format, data, file: file.name, skipping: true, warning: true)
        #expect(skipping == StreamingReadTests.whole(file.format, data, file: file.name, skipping: true, warning: true))
        #expect(skipping.skipped == [wholeError])
        #expect(skipping.drafts.count == 2_999)
        #expect(skipping.drafts.last?.title == "Entry number 2999")
    }

    @Test(arguments: LongFile.all)
    func aLongFileGivesEveryPaperInOrderAsTheWholeReadDoes(file: LongFile) throws {
        let data = Data(file.text(count: 3_000).utf8)
        let streamed = StreamingReadTests.streamed(file.format, data, file: file.name, skipping: false, warning: true)
        #expect(streamed.error == nil)
        #expect(streamed.drafts.map(\.title) == (0..<3_000).map { "Entry number \($0)" })
        #expect(streamed.drafts.allSatisfy { $0.abstract == LongFile.abstract.trimmingCharacters(in: .whitespaces) })
        #expect(streamed == StreamingReadTests.whole(file.format, data, file: file.name, skipping: false, warning: true))
    }

    @Test func aJSONFileCutOffAfterItsFirstItemsIsRefusedNamingTheByte() throws {
        for file in LongFile.all where [.csl, .hfDaily].contains(file.format) {
            let text = file.text(count: 3_000)
            let cut = Data(text.utf8.prefix(text.utf8.count / 2))
            var handed = 0
            let error = #expect(throws: ImportError.self) {
                try file.format.forEachDraft(in: cut, file: file.name, problems: ImportProblems()) { _ in handed += 1 }
            }
            #expect(error?.reason.hasPrefix("not valid JSON: ") == true, "\(String(describing: error))")
            #expect(error?.reason.hasSuffix("at byte \(cut.count + 1)") == true, "\(String(describing: error))")
            #expect(handed > 1_000 && handed < 2_000, "the items before the cut were read one by one")
        }
    }

    @Test func aFileThatIsNotAListOfItemsSaysWhatWasExpected() throws {
        #expect(throws: ImportError(file: "one.json", line: nil, reason: "expected a JSON array of daily papers entries")) {
            try ImportFormat.hfDaily.forEachDraft(in: Data(#"{"paper": {"id": "2401.00001", "title": "One"}}"#.utf8), file: "one.json", problems: ImportProblems()) { _ in }
        }
        #expect(throws: ImportError(file: "one.json", line: nil, reason: "expected a CSL-JSON item or an array of items")) {
            try ImportFormat.csl.forEachDraft(in: Data(#""title""#.utf8), file: "one.json", problems: ImportProblems()) { _ in }
        }
        let one = try ImportFormat.csl.drafts(from: Data(#"{"type": "book", "title": "One Item"}"#.utf8), file: "one.json")
        #expect(one.map(\.title) == ["One Item"])
        #expect(try ImportFormat.csl.drafts(from: Data(" [ ] ".utf8), file: "none.json").isEmpty)
    }

    @Test func aFeedThatIsNotAtomOrNeverEndsIsRefusedWithItsLine() throws {
        let feed = try #require(LongFile.all.first { $0.format == .arxivAtom })
        let text = feed.text(count: 300)
        #expect(throws: ImportError(file: "cut.xml", line: 2, reason: "not well-formed XML: <feed> is never closed")) {
            try ImportFormat.arxivAtom.forEachDraft(in: Data(text.dropLast("</feed>\n".count).utf8), file: "cut.xml", problems: ImportProblems()) { _ in }
        }
        #expect(throws: ImportError(file: "rss.xml", line: 2, reason: "expected an Atom <feed>, found <rss>")) {
            try ImportFormat.arxivAtom.forEachDraft(in: Data("<?xml version=\"1.0\"?>\n<rss><entry><id>x</id></entry></rss>\n".utf8), file: "rss.xml", problems: ImportProblems()) { _ in }
        }
        #expect(throws: ImportError(file: "mismatch.xml", line: 4, reason: "not well-formed XML: </summary> does not close <title>")) {
            try ImportFormat.arxivAtom.forEachDraft(in: Data(text.replacingOccurrences(of: "Entry number 0</title>", with: "Entry number 0</summary>").utf8), file: "mismatch.xml", problems: ImportProblems()) { _ in }
        }
    }

    @Test func linesEndingInCarriageReturnsReadAsLinesEndingInNewlines() throws {
        for file in LongFile.all where [.ris, .webOfScience, .listing].contains(file.format) {
            let unix = file.text(count: 50, badAt: 30)
            let expected = StreamingReadTests.streamed(file.format, Data(unix.utf8), file: file.name, skipping: true, warning: true)
            #expect(expected.drafts.count == 49)
            for ending in ["\r\n", "\r"] {
                let other = Data(unix.replacingOccurrences(of: "\n", with: ending).utf8)
                #expect(StreamingReadTests.streamed(file.format, other, file: file.name, skipping: true, warning: true) == expected,
                        "\(file.format.name) with \(ending.debugDescription)")
            }
        }
    }

    @Test func aTextFileThatStopsBeingUTF8FarInIsRefusedWithTheLineBeforeAnyPaper() throws {
        for file in LongFile.all where [.ris, .webOfScience, .listing, .arxivAtom].contains(file.format) {
            var bytes = Array(file.text(count: 2_000).utf8)
            // The second byte of line 1,501, which has text in each of these files.
            let line = 1_501
            let offset = try #require(bytes.indices.lazy.filter { bytes[$0] == 0x0A }.dropFirst(line - 2).first) + 2
            bytes[offset] = 0xE9
            var handed = 0
            #expect(throws: ImportError(file: file.name, line: line, reason: "not UTF-8 text (byte 0xE9) at byte \(offset + 1)")) {
                try file.format.forEachDraft(in: Data(bytes), file: file.name, problems: ImportProblems()) { _ in handed += 1 }
            }
            #expect(handed == 0, "\(file.format.name)")
            #expect(bytes.withUnsafeBufferPointer { ImportError.notUTF8($0, file: file.name) }?.line == line)
        }
    }

    /// Files larger than the stretch after which the reading hands pages back,
    /// mapped: every reader reads on after letting go of what it read.
    @Test(.enabled(if: SlowTests.enabled, SlowTests.skipped), arguments: LongFile.all)
    func aLargeMappedFileReadsAsTheSameBytesInMemory(file: LongFile) throws {
        let abstract = String(repeating: "Krylov subspaces recycled across related linear systems. ", count: 9)
        let text = file.text(count: 18_000, abstract: abstract)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(UUID().uuidString)-\(file.name)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mapped = try #require(MappedFile.data(atPath: path))
        #expect(mapped.count > 9 << 20)
        let streamed = StreamingReadTests.streamed(file.format, mapped, file: file.name, skipping: false, warning: true)
        #expect(streamed.error == nil)
        #expect(streamed.drafts.count == 18_000)
        #expect(streamed == StreamingReadTests.whole(file.format, Data(text.utf8), file: file.name, skipping: false, warning: true))
    }
}
