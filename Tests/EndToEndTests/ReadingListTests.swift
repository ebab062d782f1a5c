import Foundation
import Testing

@Suite("reader end to end", .serialized)
struct ReadingListTests {
    @Test func importingTheSeedListingAddsAll97PapersAndReimportingAddsNothing() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        #expect(try reader.ok(["import", seedListing]) == "Imported 97 papers from \(seedListing): 97 added, 0 merged, 0 already there, 0 failed.\n")
        #expect(try reader.ok(["import", seedListing]) == "Nothing new: all 97 papers in \(seedListing) are already in the library.\n")
        let papers = try #require(try reader.json(["list"]) as? [[String: Any]])
        #expect(papers.count == 97)
        #expect(papers.filter { $0["code_url"] is String }.count == 17)
        let stats = try #require(try reader.json(["stats"]) as? [String: Any])
        #expect(stats["papers"] as? Int == 97)
    }

    @Test func aResearcherTagsNotesReadsSearchesAndExports() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["import", seedListing])
        try reader.ok(["tag", "Sirius", "+ML", "+efficiency", "-nothing"])
        try reader.ok(["start", "krylov subspace"])
        try reader.ok(["done", "Sirius", "--rating", "4"])
        try reader.ok(["note", "add", "Sirius", "Corrects **contextual sparsity**; compare with Deja Vu."])
        try reader.ok(["highlight", "add", "Sirius", "roughly 20% reduction in latency", "--page", "9", "--comment", "8B on-chip"])
        try reader.ok(["note", "add", "Sirius"], environment: ["EDITOR": "printf 'Written in the editor\\n' >"])

        let shown = try #require(try reader.json(["show", "sirius"]) as? [String: Any])
        #expect(shown["status"] as? String == "read")
        #expect(shown["rating"] as? Int == 4)
        #expect(shown["tags"] as? [String] == ["efficiency", "ml"])
        #expect(shown["code_url"] as? String == "https://github.com/Infini-AI-Lab/Sirius")
        let notes = try #require(shown["notes"] as? [[String: Any]])
        #expect(notes.map { $0["body"] as? String } == ["Corrects **contextual sparsity**; compare with Deja Vu.", "Written in the editor"])
        #expect((shown["highlights"] as? [[String: Any]])?.first?["page"] as? Int == 9)

        let hits = try #require(try reader.json(["search", "deja", "vu"]) as? [[String: Any]])
        #expect(hits.map { $0["title"] as? String } == ["Sirius: Contextual Sparsity with Correction for Efficient LLMs"])
        #expect((hits.first?["snippet"] as? String)?.contains("[Deja] [Vu]") == true)
        #expect((try reader.json(["list", "tag:ml", "status:read"]) as? [Any])?.count == 1)
        #expect((try reader.json(["list", "status:reading"]) as? [[String: Any]])?.first?["title"] as? String == "Accelerating Data Generation for Neural Operators via Krylov Subspace Recycling")
        #expect((try reader.json(["list", "has:notes"]) as? [Any])?.count == 1)

        let human = try reader.ok(["search", "latency", "tag:efficiency"])
        #expect(human.contains("Sirius: Contextual Sparsity"))
        #expect(!human.contains("\u{1B}["), "no colour when standard output is not a terminal")

        let markdown = try reader.ok(["export", "--format", "markdown"])
        #expect(markdown.hasPrefix("# Reading list\n\n## Reading (1)\n"))
        #expect(markdown.contains("## Read (1)"))
        #expect(markdown.contains("## Inbox (95)"))
        #expect(markdown.contains("Tags: `efficiency` `ml` · Rating: ★★★★☆"))
        #expect(markdown.contains("> roughly 20% reduction in latency\n>\n> — p. 9\n\n8B on-chip"))

        let csv = try reader.ok(["export", "--format", "csv", "tag:ml"])
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == 2)
        #expect(rows[1].contains(",read,4,"))

        try reader.ok(["rm", "Sirius"])
        #expect(try reader.run(["show", "Sirius", "--json"]).status == 0, "show finds papers in the trash too")
        #expect((try reader.json(["list", "tag:ml"]) as? [Any])?.isEmpty == true)
        #expect((try reader.json(["trash"]) as? [Any])?.count == 1)
        #expect((try reader.json(["search", "deja"]) as? [Any])?.isEmpty == true)
        try reader.ok(["restore", "Sirius"])
        #expect((try reader.json(["search", "deja"]) as? [Any])?.count == 1)
        #expect(try reader.ok(["doctor"]) == "Database file   ok\nSearch index    ok\nTag counts      ok\nClocks          ok\nSync            ok\nFiles           ok (0 checked)\n")
    }

    @Test func aBibTeXFileIsImportedWithAuthorsIdentifiersAndUnicode() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        #expect(try reader.ok(["import", "Tests/Fixtures/refs.bib"]) == "Imported 3 papers from Tests/Fixtures/refs.bib: 3 added, 0 merged, 0 already there, 0 failed.\n")
        let paper = try #require(try reader.json(["show", "1706.03762"]) as? [String: Any])
        #expect(paper["title"] as? String == "Attention Is All You Need")
        #expect((paper["authors"] as? [String])?.first == "Ashish Vaswani")
        #expect(paper["venue"] as? String == "Advances in Neural Information Processing Systems 30")
        #expect(try reader.ok(["show", "10.1007/BF01700692"]).hasPrefix("Über formal unentscheidbare Sätze der Principia Mathematica\nKurt Gödel\n"))
        let goedel = try reader.ok(["show", "10.1007/BF01700692"])
        #expect(goedel.contains(", pages 173–198\n"), "the page range follows the venue: \(goedel)")
        #expect((try reader.json(["show", "10.1007/BF01700692"]) as? [String: Any])?["pages"] as? String == "173–198")
        #expect((try reader.json(["search", "author:gödel"]) as? [Any])?.count == 1)
        // The same paper from the seed listing's arXiv id, added by hand, is not added again.
        #expect(try reader.ok(["add", "arXiv:1706.03762"]).hasPrefix("Already in the library: "))
        #expect(try reader.ok(["import", "Tests/Fixtures/refs.bib"]) == "Nothing new: all 3 papers in Tests/Fixtures/refs.bib are already in the library.\n")
    }

    @Test func hfDailyPapersAreImportedAndMatchTheSamePaperFromBibTeX() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        #expect(try reader.ok(["import", "Tests/Fixtures/hf-daily-papers.json"]) == "Imported 2 papers from Tests/Fixtures/hf-daily-papers.json: 2 added, 0 merged, 0 already there, 0 failed.\n")
        let hits = try #require(try reader.json(["list", "has:code"]) as? [[String: Any]])
        #expect(hits.map { $0["arxiv_id"] as? String } == ["2405.21060"])
        // The same paper known by its arXiv id from another source is completed, not duplicated.
        let bib = reader.folder.appendingPathComponent("ssm.bib").path
        try "@article{dao2024, title = {Transformers are {SSMs}}, journal = {ICML}, eprint = {2405.21060}, archivePrefix = {arXiv}}".write(toFile: bib, atomically: true, encoding: .utf8)
        #expect(try reader.ok(["import", bib]) == "Imported 1 paper from \(bib): 0 added, 1 merged, 0 already there, 0 failed.\n")
        let paper = try #require(try reader.json(["show", "2405.21060"]) as? [String: Any])
        #expect(paper["venue"] as? String == "ICML")
        #expect(paper["title"] as? String == "Transformers are SSMs: Generalized Models and Efficient Algorithms Through Structured State Space Duality")
    }

    @Test func aZoteroCSLJSONExportIsImported() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        #expect(try reader.ok(["import", "Tests/Fixtures/zotero.csl.json"]) == "Imported 3 papers from Tests/Fixtures/zotero.csl.json: 3 added, 0 merged, 0 already there, 0 failed.\n")
        #expect(try reader.ok(["import", "Tests/Fixtures/refs.bib"]) == "Imported 3 papers from Tests/Fixtures/refs.bib: 1 added, 2 merged, 0 already there, 0 failed.\n", "Gödel's entry brings its title's LaTeX")
        #expect((try reader.json(["list"]) as? [Any])?.count == 4, "the same papers from Zotero and from BibTeX are one each")
    }

    @Test func aDryRunReportsTheImportAndStoresNothing() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        #expect(try reader.ok(["import", seedListing, "--dry-run"]) == "Would import 97 papers from \(seedListing): 97 added, 0 merged, 0 already there, 0 failed.\n")
        #expect((try reader.json(["list"]) as? [Any])?.isEmpty == true)
        let stats = try #require(try reader.json(["stats"]) as? [String: Any])
        #expect(stats["pending_field_changes"] as? Int == 0)
        #expect(stats["pending_records"] as? Int == 0)
        try reader.ok(["import", seedListing])
        #expect(try reader.ok(["import", "Tests/Fixtures/refs.bib", "--dry-run"]) == "Would import 3 papers from Tests/Fixtures/refs.bib: 3 added, 0 merged, 0 already there, 0 failed.\n")
        #expect((try reader.json(["list"]) as? [Any])?.count == 97)
    }

    @Test func standardInputCanBeImported() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let listing = try String(contentsOf: repositoryRoot.appendingPathComponent(seedListing), encoding: .utf8)
        #expect(try reader.ok(["import", "-"], stdin: listing) == "Imported 97 papers from <stdin>: 97 added, 0 merged, 0 already there, 0 failed.\n")
        let backup = try reader.ok(["export", "--format", "json"])
        let other = try ReaderProcess()
        defer { other.remove() }
        #expect(try other.ok(["import", "-", "--format", "json"], stdin: backup).hasPrefix("Restored "))
        #expect(try other.ok(["export", "--format", "json"]) == backup)
    }

    @Test func aJSONExportImportedIntoAnEmptyLibraryGivesTheSameLibrary() throws {
        let a = try ReaderProcess(), b = try ReaderProcess()
        defer { a.remove(); b.remove() }
        try a.ok(["import", seedListing])
        try a.ok(["tag", "Sirius", "+ml"])
        try a.ok(["note", "add", "Sirius", "multi\nline \"quoted\" note"])
        try a.ok(["rm", "Optima"])
        let backup = a.folder.appendingPathComponent("backup.json").path
        try a.ok(["export", "--format", "json", "-o", backup])
        #expect(try b.ok(["import", backup]).hasPrefix("Restored "))
        let exportedA = try a.ok(["export", "--format", "json"])
        let exportedB = try b.ok(["export", "--format", "json"])
        #expect(exportedA == exportedB)
        #expect(try String(contentsOfFile: backup, encoding: .utf8) == exportedA)
        #expect(try b.ok(["import", backup]).hasPrefix("Nothing new"))
    }

    @Test func twoProcessesWritingAtOnceBothSucceed() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "Shared paper"])
        let script = """
            for i in $(seq 1 15); do "$0" note add shared "writer $1 note $i" --library "$2" >/dev/null || exit 1; done
            """
        let writers = try (0..<2).map { writer -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script, ReaderProcess.binary.path, String(writer), reader.library]
            try process.run()
            return process
        }
        for process in writers { process.waitUntilExit() }
        #expect(writers.allSatisfy { $0.terminationStatus == 0 })
        let notes = try #require(try reader.json(["note", "list"]) as? [[String: Any]])
        #expect(Set(notes.compactMap { $0["body"] as? String }).count == 30)
    }

    @Test func theLibraryLivesUnderXDGDataHomeByDefaultOrWhereREADER_LIBRARYSays() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let data = reader.folder.appendingPathComponent("data").path
        let result = try reader.run(["add", "--title", "Located"], environment: ["XDG_DATA_HOME": data], useLibraryOption: false)
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: data + "/reader/library.sqlite"))
        let elsewhere = reader.folder.appendingPathComponent("env.sqlite").path
        #expect(try reader.run(["add", "--title", "Env"], environment: ["READER_LIBRARY": elsewhere], useLibraryOption: false).status == 0)
        #expect(FileManager.default.fileExists(atPath: elsewhere))
    }

    @Test func addWorksOfflineFromIdentifiersAndNeverDuplicates() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let added = try #require(try reader.json(["add", "https://arxiv.org/abs/2405.12345v2", "--tag", "todo"]) as? [String: Any])
        #expect(added["arxiv_id"] as? String == "2405.12345")
        #expect(added["arxiv_version"] as? Int == 2)
        #expect(added["title"] as? String == "")
        let again = try reader.ok(["add", "arXiv:2405.12345", "--title", "Now with a title"])
        #expect(again.hasPrefix("Already in the library; filled title: "))
        try reader.ok(["add", "doi:10.1145/3442188.3445922"])
        #expect((try reader.json(["list"]) as? [Any])?.count == 2)
        #expect(try reader.ok(["show", "10.1145/3442188.3445922"]).contains("DOI       10.1145/3442188.3445922"))
    }

    @Test func shellCompletionsAreGenerated() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let result = try reader.run(["--generate-completion-script", "bash"], useLibraryOption: false)
        #expect(result.status == 0)
        #expect(result.stdout.contains("_reader"))
    }

    @Test func notesAndHighlightsAreEditedAndRemovedByTheirPrintedIDs() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "Annotated paper"])
        let added = try reader.ok(["note", "add", "annotated", "first draft"])
        let noteID = try #require(added.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(added == "Added note \(noteID) to Annotated paper\n")
        #expect(try reader.ok(["note", "edit", noteID, "second draft"]) == "Saved note \(noteID)\n")
        try reader.ok(["note", "edit", noteID], environment: ["EDITOR": "sed -i 's/second/third/'"])
        #expect((try reader.json(["note", "list", "annotated"]) as? [[String: Any]])?.map { $0["body"] as? String } == ["third draft"])
        #expect(try reader.ok(["note", "rm", noteID]) == "Removed note \(noteID)\n")
        #expect((try reader.json(["note", "list"]) as? [Any])?.isEmpty == true)
        #expect(try reader.run(["note", "rm", noteID]).stderr == "Error: no note matches '\(noteID)'; `reader note list` shows them\n")

        let highlight = try #require(try reader.json(["highlight", "add", "annotated", "a passage", "--location", "Fig. 2"]) as? [String: Any])
        let highlightID = try #require((highlight["id"] as? String)?.suffix(8)).description
        #expect(try reader.ok(["highlight", "list"]) == "Annotated paper\n[\(highlightID)] Fig. 2\n  “a passage”\n", "without a paper, each paper's title heads its highlights")
        try reader.ok(["highlight", "rm", highlightID])
        #expect(try reader.ok(["highlight", "list"]) == "")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) from util-linux to give reader a terminal"))
    func colourOnlyOnATerminalAndNeverWithNO_COLOR() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "Coloured"])
        func onTerminal(_ noColor: String?) throws -> String {
            let command = "\(ReaderProcess.binary.path) list --library \(reader.library)"
            return try reader.run(["-qec", command, "/dev/null"], environment: noColor.map { ["NO_COLOR": $0] } ?? [:], useLibraryOption: false, executable: "/usr/bin/script").stdout
        }
        #expect(try onTerminal(nil).contains("\u{1B}["))
        #expect(try onTerminal("1").contains("Coloured"))
        #expect(!(try onTerminal("1").contains("\u{1B}[")))
    }
}
