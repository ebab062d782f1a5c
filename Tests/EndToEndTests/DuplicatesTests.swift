import Foundation
import Testing

/// A thesis bibliography with same-titled works goes through `reader` whole, and a
/// deliberate merge keeps every key citable.
@Suite("reader duplicates end to end", .serialized)
struct DuplicatesTests {
    static let thesis = """
        @article{lecun2015deep, title = {Deep Learning}, author = {LeCun, Yann and Bengio, Yoshua}, journal = {Nature}, year = {2015}}
        @book{goodfellow2016deep, title = {Deep learning}, author = {Goodfellow, Ian and Bengio, Yoshua}, year = {2016}}
        @book{kullback, title = {Information Theory and Statistics}, author = {Kullback, Solomon}, year = {1959}}
        @book{kullback:reprint, title = {Information Theory and Statistics}, author = {Kullback, Solomon}, year = {1997}}
        """

    @Test func anImportKeepsSameTitledWorksApartSaysSoAndAMergeKeepsBothKeys() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let file = reader.folder.appendingPathComponent("thesis.bib").path
        try Self.thesis.write(toFile: file, atomically: true, encoding: .utf8)

        let imported = try reader.ok(["import", file])
        #expect(imported.hasPrefix("Imported 4 papers from \(file): 4 added, 0 merged, 0 already there, 0 failed.\n"))
        #expect(imported.contains("Kept 2 entries apart from a paper with the same title"))
        #expect(imported.contains("\(file):2 goodfellow2016deep \"Deep learning\": first author Goodfellow, not LeCun, year 2016, not 2015 (kept apart from lecun2015deep)"))
        #expect(imported.contains("\(file):4 kullback:reprint \"Information Theory and Statistics\": year 1997, not 1959 (kept apart from kullback)"))
        let again = try #require(try reader.json(["import", file]) as? [String: Any])
        #expect(again["unchanged"] as? Int == 4 && again["added"] as? Int == 0)
        #expect((again["near_matches"] as? [Any])?.isEmpty == true, "each entry found its own paper again")

        let listed = try reader.ok(["duplicates"])
        #expect(listed.contains("Deep Learning  (same title)") && listed.contains("Information Theory and Statistics  (same title)"))
        #expect(listed.contains("kullback:reprint  Kullback 1997  (year 1997, not 1959)"))
        let groups = try #require(try reader.json(["duplicates"]) as? [[String: Any]])
        #expect(groups.count == 2 && groups.allSatisfy { $0["shared"] as? String == "title" })

        try reader.ok(["note", "add", "kullback:reprint", "The Dover edition."])
        #expect(try reader.ok(["duplicates", "merge", "kullback", "kullback:reprint"])
            == "Merged 1 paper into Information Theory and Statistics (kullback); its aliases: kullback:reprint.\n")
        let shown = try #require(try reader.json(["show", "kullback:reprint"]) as? [String: Any])
        #expect(shown["cite_key"] as? String == "kullback" && shown["cite_aliases"] as? [String] == ["kullback:reprint"])
        #expect((shown["notes"] as? [[String: Any]])?.first?["body"] as? String == "The Dover edition.")
        let biblatex = try reader.ok(["export", "--format", "biblatex"])
        #expect(biblatex.contains("ids = {kullback:reprint}"))
        #expect(try reader.ok(["duplicates"]).contains("Information Theory") == false)

        let refused = try reader.run(["duplicates", "merge", "kullback", "kullback"])
        #expect(refused.status != 0 && refused.stderr.contains("are one paper"))
    }
}
