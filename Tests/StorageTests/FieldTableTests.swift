import Foundation
import Interchange
import Model
import Testing
import TestSupport
@testable import Storage

/// `Entity`'s field list is the only list of synced fields: these tests fail when
/// a field is missing from the schema, the paper value, its JSON, the backup, or
/// the docs (adding a field is described in docs/architecture.md).
@Suite("One table of fields")
struct FieldTableTests {
    /// A value for every paper field, as stored.
    static let paperValues: [String: JSONValue] = [
        "title": .string("Attention Is All You Need"), "authors": .array([.string("Ashish Vaswani"), .string("Noam Shazeer")]),
        "abstract": .string("The dominant sequence transduction models."), "published": .string("2017-06-12"), "year": .int(2017),
        "arxiv_id": .string("1706.03762"), "arxiv_version": .int(7), "doi": .string("10.48550/arxiv.1706.03762"),
        "url": .string("https://arxiv.org/abs/1706.03762"), "pdf_url": .string("https://arxiv.org/pdf/1706.03762"),
        "code_url": .string("https://github.com/tensorflow/tensor2tensor"), "venue": .string("NeurIPS"), "source": .string("bibtex"),
        "added_at": .int(1_700_000_000_123), "status": .string("read"), "rating": .int(5), "read_at": .int(1_700_000_100_456),
        "trashed": .bool(true), "cite_key": .string("vaswani2017"), "categories": .array([.string("cs.CL"), .string("cs.LG")]),
        "comment": .string("15 pages, 5 figures"), "pages": .string("5998--6008"),
        "cite_aliases": .array([.string("vaswani2017attention"), .string("Vaswani:2017")]),
        "author_names": .array([.object(["family": .string("Uría Ríu"), "given": .string("Juan")]), .object(["literal": .string("OpenAI")])]),
        "latex": .object(["title": .string("The {METAFONT} book"), "authors": .string("Knuth, Donald E.")]),
        "work_type": .string("paper-conference"), "bib_fields": .object(["volume": .string("30"), "publisher": .string("Curran Associates")]),
    ]

    @Test func theSampleHasEveryPaperField() {
        #expect(Set(Self.paperValues.keys) == Set(Entity.paper.fields.map(\.name)),
                "give the new field a value here: every test below checks it")
        for field in Entity.paper.fields { #expect(field.kind.accepts(Self.paperValues[field.name] ?? .null), "\(field.name)") }
    }

    @Test func everyFieldOfEveryEntityIsAColumnOfItsTable() throws {
        let temporary = try TemporaryLibrary()
        for entity in Entity.allCases {
            let columns = try temporary.library.read { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [entity.table]) }
            for field in entity.fields { #expect(columns.contains(field.name), "\(entity.table) has no column \(field.name): add it in a migration") }
            #expect(columns.contains("clocks") && columns.contains("changed_at"))
        }
    }

    @Test func everyPaperFieldReachesThePaperItsJSONAndTheBackup() throws {
        let temporary = try TemporaryLibrary()
        let id = "0190d5c2-79f1-7000-8000-000000000001"
        let hlc = try #require(HLC("1700000200000-0000-00000000000000aa"))
        try temporary.library.restore([.record(SyncRecord(entity: .paper, id: id, fields: Self.paperValues.mapValues { Stamped($0, at: hlc) }))])

        let uuid = try #require(UUID(uuidString: id))
        let paper = try #require(try temporary.library.paper(uuid))
        guard case .object(let json) = PaperJSON.paper(paper, tags: []) else { Issue.record("not an object"); return }
        for field in Entity.paper.fields {
            let stored = try #require(Self.paperValues[field.name])
            var expected = stored
            if field.name.hasSuffix("_at"), let millis = stored.intValue {
                expected = PaperJSON.date(Date(timeIntervalSince1970: Double(millis) / 1000))
            }
            #expect(json[field.name] == expected, "`reader show --json` gives \(field.name) = \(String(describing: json[field.name])), stored \(stored)")
        }

        // The backup writes every field, and restoring it gives the same record.
        var writer = ReaderBackup.Writer(output: "")
        try temporary.library.forEachRecord { writer.write($0) }
        let other = try TemporaryLibrary()
        try other.library.restore(try ReaderBackup.read(writer.finish(), file: "backup.json"))
        var restored: SyncRecord?
        try other.library.forEachRecord { if $0.id == id { restored = $0 } }
        #expect(restored?.fields == Self.paperValues.mapValues { Stamped($0, at: hlc) })
    }

    @Test func theDocsNameEveryField() throws {
        let protocolDoc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/sync-protocol.md"), encoding: .utf8)
        let jsonDoc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/json.md"), encoding: .utf8)
        for entity in Entity.allCases {
            let row = protocolDoc.split(separator: "\n").first { $0.hasPrefix("| `\(entity.rawValue)` |") } ?? ""
            for field in entity.fields { #expect(row.contains("`\(field.name)`"), "docs/sync-protocol.md: \(entity) lacks `\(field.name)`") }
        }
        for field in Entity.paper.fields { #expect(jsonDoc.contains("`\(field.name)`"), "docs/json.md lacks `\(field.name)`") }
    }
}
