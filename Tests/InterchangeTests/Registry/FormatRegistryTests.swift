import Foundation
import Interchange
import Model
import Testing

@Suite("Format registries")
struct FormatRegistryTests {
    static let paper = PaperDetail(paper: Paper(id: UUID(uuidString: "11111111-2222-5333-8444-555555555555")!, title: "Registered Formats Write Papers",
                                                authors: ["Ada Lovelace"], year: 1843, addedAt: Date(timeIntervalSince1970: 0)),
                                   tags: [])

    @Test func everyFormatIsFoundByItsOwnName() {
        #expect(Set(ExportFormat.all.map(\.name)).count == ExportFormat.all.count)
        #expect(Set(ImportFormat.all.map(\.name)).count == ImportFormat.all.count)
        for format in ExportFormat.all { #expect(ExportFormat.named(format.name) == format) }
        for format in ImportFormat.all { #expect(ImportFormat.named(format.name) == format) }
        #expect(ExportFormat.named("json") == nil, "the backup writes records, not papers")
        #expect(ImportFormat.named("json")?.isBackup == true)
        #expect(ImportFormat.all.filter(\.isBackup) == [.json])
    }

    @Test(arguments: ExportFormat.all)
    func everyExportFormatWritesThePaper(format: ExportFormat) throws {
        var writer = format.writer(to: .inMemory())
        if format.groupsByStatus { writer.section(.inbox, count: 1) }
        writer.write(Self.paper, key: "lovelace1843")
        let text = writer.finish().text
        #expect(text.contains("Registered Formats Write Papers") || text.contains("Registered {Formats} {Write} {Papers}"), "\(format): \(text)")
        // A bibliography is read back by the importer detection picks for it.
        if format.needsCitationKeys {
            let reader = try #require(ImportFormat.detect(text), "\(format) output is not recognised")
            #expect(try reader.drafts(from: Data(text.utf8), file: "x").map(\.title) == ["Registered Formats Write Papers"])
        }
    }
}
