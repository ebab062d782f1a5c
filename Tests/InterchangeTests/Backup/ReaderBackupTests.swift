import Foundation
import Interchange
import Model
import Testing

@Suite("reader JSON backup")
struct ReaderBackupTests {
    let node = NodeID(rawValue: 0xabc)

    func record(_ id: String, title: String) -> SyncRecord {
        let hlc = HLC(millis: 1_700_000_000_000, counter: 3, node: node)
        return SyncRecord(entity: .paper, id: id, fields: [
            "title": Stamped(.string(title), at: hlc),
            "authors": Stamped(.array([.string("Ada"), .string("Grace")]), at: hlc),
            "trashed": Stamped(.bool(false), at: hlc),
            "rating": Stamped(.null, at: hlc),
        ])
    }

    @Test func writeThenReadGivesTheSameRecords() throws {
        let records = [record("00000000-0000-5000-8000-000000000001", title: "Hostile \"quotes\" {braces} \\ % 🙂 e\u{301}\n שלום"),
                       record("00000000-0000-5000-8000-000000000002", title: "Two")]
        var writer = ReaderBackup.Writer(output: "")
        for r in records { writer.write(r) }
        let text = writer.finish()
        #expect(try ReaderBackup.read(text, file: "b.json") == records.map(BackupItem.record))
        #expect(ReaderBackup.looksLikeBackup(text))
        #expect(ImportFormat.detect(text) == .json)
    }

    @Test func outputIsCanonicalOneRecordPerLine() {
        var writer = ReaderBackup.Writer(output: "")
        writer.write(record("00000000-0000-5000-8000-000000000001", title: "T"))
        let lines = writer.finish().split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == #"{"format":"reader-backup","records":["#)
        #expect(lines[1] == #"{"entity":"paper","fields":{"authors":{"hlc":"1700000000000-0003-0000000000000abc","value":["Ada","Grace"]},"rating":{"hlc":"1700000000000-0003-0000000000000abc","value":null},"title":{"hlc":"1700000000000-0003-0000000000000abc","value":"T"},"trashed":{"hlc":"1700000000000-0003-0000000000000abc","value":false}},"id":"00000000-0000-5000-8000-000000000001"}"#)
        #expect(lines[2] == #"],"version":1}"#)
    }

    @Test func aBadRecordIsReportedWithItsLine() {
        let text = """
            {"format":"reader-backup","records":[
            {"entity":"paper","fields":{"title":{"hlc":"1700000000000-0003-0000000000000abc","value":"ok"}},"id":"a"},
            {"entity":"paper","fields":{"title":{"hlc":"yesterday","value":"bad"}},"id":"b"}
            ],"version":1}
            """
        #expect(throws: ImportError(file: "b.json", line: 3, reason: "field 'title' of paper b has an invalid clock 'yesterday'")) {
            try ReaderBackup.read(text, file: "b.json")
        }
        let wrongType = text.replacingOccurrences(of: #""yesterday","value":"bad""#, with: #""1700000000000-0003-0000000000000abc","value":5"#)
        #expect(throws: ImportError(file: "b.json", line: 3, reason: "field 'title' of paper b has a value of the wrong type")) {
            try ReaderBackup.read(wrongType, file: "b.json")
        }
        #expect(throws: ImportError(file: "b.json", line: 4, reason: "the backup is cut short: its closing line `],\"version\":1}` is missing")) {
            try ReaderBackup.read(wrongType.replacingOccurrences(of: "\n],\"version\":1}", with: "\n")
                .replacingOccurrences(of: #","value":5"#, with: #","value":"fine""#), file: "b.json")
        }
    }

    @Test func aReformattedBackupIsStillRead() throws {
        let text = #"{ "version": 1, "format": "reader-backup", "records": [ {"id": "x", "entity": "tag", "fields": {"name": {"value": "ml", "hlc": "1700000000000-0000-0000000000000001"}}} ] }"#
        let records = try ReaderBackup.read(text, file: "pretty.json")
        #expect(records.count == 1)
        guard case .record(let record)? = records.first else { Issue.record("expected a record"); return }
        #expect(record.fields["name"]?.value == .string("ml"))
    }

    @Test func recordsAreReadInOrderAcrossParsingBatchesAndABadOneStopsTheReadAtItsLine() throws {
        var writer = ReaderBackup.Writer(output: "")
        let records = (0..<3000).map { i in record(String(format: "00000000-0000-5000-8000-%012d", i), title: "Paper \(i)") }
        for r in records { writer.write(r) }
        let text = writer.finish()
        var seen: [BackupItem] = []
        try ReaderBackup.forEachItem(in: Data(text.utf8), file: "big.json") { seen.append($0) }
        #expect(seen == records.map(BackupItem.record))

        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[2501] = #"{"entity":"paper","fields":{},"id":"x"#  // line 2502: cut short
        var count = 0
        #expect(throws: ImportError(file: "big.json", line: 2502, reason: "not valid JSON: unterminated string at byte 38")) {
            try ReaderBackup.forEachItem(in: Data(lines.joined(separator: "\n").utf8), file: "big.json") { _ in count += 1 }
        }
        #expect(count <= 2500, "no record after the bad one is handed over")
    }
}
