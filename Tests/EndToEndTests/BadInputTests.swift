import Foundation
import Testing

@Suite("reader bad input", .serialized)
struct BadInputTests {
    @Test func aMissingFileSaysSo() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let result = try reader.run(["import", "no/such/file.txt"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: no/such/file.txt: no such file\n")
        #expect(result.stdout == "")
    }

    @Test func aMalformedListingNamesFileAndLineAndStoresNothing() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let abstract = String(repeating: "An abstract sentence that is long enough. ", count: 10).trimmingCharacters(in: .whitespaces)
        let file = reader.folder.appendingPathComponent("bad.txt").path
        try "Header\n\nGood title\n\n\(abstract)\n\n\(abstract)\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try reader.run(["import", file])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(file):7: expected a paper title, found a 419-character paragraph; is the title of this abstract missing?\n")
        #expect((try reader.json(["list"]) as? [Any])?.isEmpty == true, "all or nothing: the good first paper is not stored")
    }

    /// The large files are read as the import stores them: a problem far into one
    /// still leaves the library as it was, and says where it is.
    @Test func aProblemFarIntoALargeFileStoresNothingAndSaysWhere() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let abstract = String(repeating: "A sentence of an abstract that goes on. ", count: 8)
        let items = (0..<3_000).map { #"{"type": "article", "title": "Paper \#($0)", "abstract": "\#(abstract)"}"# }
        let cut = reader.folder.appendingPathComponent("cut.json").path
        let json = "[\n" + items.joined(separator: ",\n") + "\n]\n"
        let bytes = Array(json.utf8)
        // Cut at the `,` between two items (`},\n{`) halfway through.
        let half = Data(bytes[..<(try #require(bytes[..<(bytes.count / 2)].lastIndex(of: 0x0A)) - 1)])
        #expect(half.last == UInt8(ascii: "}"), "cut after an item")
        try half.write(to: URL(fileURLWithPath: cut))
        let refused = try reader.run(["import", cut])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: \(cut): not valid JSON: unexpected end of JSON in an array at byte \(half.count + 1)\n")
        #expect((try reader.json(["list"]) as? [Any])?.isEmpty == true, "all or nothing: the items before the cut are not stored")

        var ris = Array((0..<3_000).map { "TY  - JOUR\nTI  - Paper \($0)\nAB  - \(abstract)\nER  - \n\n" }.joined().utf8)
        let line = 2_000 * 5 + 2  // the title of paper 2,000
        let offset = try #require(ris.indices.lazy.filter { ris[$0] == 0x0A }.dropFirst(line - 2).first) + 8
        ris[offset] = 0xE9
        let latin = reader.folder.appendingPathComponent("far.ris").path
        try Data(ris).write(to: URL(fileURLWithPath: latin))
        let result = try reader.run(["import", latin])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(latin):\(line): not UTF-8 text (byte 0xE9) at byte \(offset + 1); name its encoding, for example `reader import --encoding latin1 \(latin)`\n")
        #expect((try reader.json(["list"]) as? [Any])?.isEmpty == true)
    }

    @Test func aFileInNoKnownFormatIsRefused() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let file = reader.folder.appendingPathComponent("notes.txt").path
        try "just a line\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try reader.run(["import", file])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(file): cannot tell the format; reader reads a papers listing (title line, blank line, abstract), BibTeX, CSL-JSON, RIS, a Web of Science export (savedrecs.txt), Hugging Face daily papers JSON, an arXiv API Atom feed or a reader JSON backup. Use --format to choose\n")
        let binary = reader.folder.appendingPathComponent("bin.dat").path
        try Data([0xff, 0xfe, 0x00, 0x41]).write(to: URL(fileURLWithPath: binary))
        #expect(try reader.run(["import", binary]).stderr == "Error: \(binary):1: not UTF-8 text (byte 0xFF) at byte 1; name its encoding, for example `reader import --encoding latin1 \(binary)`\n")
    }

    @Test func anUnknownReferenceSaysWhatToTry() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["import", seedListing])
        let result = try reader.run(["show", "quantum-gravity"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: no paper matches 'quantum-gravity'; try `reader search quantum-gravity` or `reader list`\n")
    }

    @Test func anAmbiguousReferenceListsTheCandidates() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["import", seedListing])
        let result = try reader.run(["done", "code generation"])
        #expect(result.status == 1)
        #expect(result.stderr == """
            Error: 'code generation' matches 3 papers; use more of the title, an id prefix, an arXiv id or a DOI:
              daab2e49  COFFE: A Code Efficiency Benchmark for Code Generation
              fa239c6f  Evaluating Language Models for Efficient Code Generation
              923258e6  HumanEval Pro and MBPP Pro: Evaluating Large Language Models on Self-invoking Code Generation

            """)
        #expect((try reader.json(["list", "status:read"]) as? [Any])?.isEmpty == true)
        let many = try reader.run(["show", "reasoning"])
        #expect(many.stderr.hasPrefix("Error: 'reasoning' matches 15 papers;"))
        #expect(many.stderr.hasSuffix("\n  …\n"))
        #expect(many.stderr.split(separator: "\n").count == 12)
    }

    @Test func anInvalidQuerySaysWhichTermAndWhy() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let result = try reader.run(["search", "attention", "status:done"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: invalid query term 'status:done': unknown status 'done'; use inbox, queued, reading, read or dropped\n")
        #expect(try reader.run(["search", "NOT", "(", "\"unclosed"]).status == 0, "FTS syntax in user text is searched as words")
    }

    @Test func invalidValuesAreRefusedWithTheRule() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "Rated"])
        let rating = try reader.run(["done", "Rated", "--rating", "9"])
        #expect(rating.status == 1)
        #expect(rating.stderr == "Error: invalid rating: 9 is not between 1 and 5\n")
        let tag = try reader.run(["tag", "Rated", "+!!!"])
        #expect(tag.stderr == "Error: invalid tag '!!!': a tag needs at least one letter or digit\n")
        let note = try reader.run(["note", "add", "Rated", "   "])
        #expect(note.stderr == "Error: invalid note: it is empty\n")
        let status = try reader.run(["status", "Rated", "finished"])
        #expect(status.status == 64)
        #expect(status.stderr.contains("finished"))
    }

    @Test func aBadRecordInABackupNamesItsLineAndRestoresNothing() throws {
        let source = try ReaderProcess(), target = try ReaderProcess()
        defer { source.remove(); target.remove() }
        try source.ok(["import", seedListing])
        var lines = try source.ok(["export", "--format", "json"]).components(separatedBy: "\n")
        lines[40] = lines[40].replacingOccurrences(of: #""status":{"hlc":""#, with: #""status":{"hlc":"soon","x":""#)
        let file = target.folder.appendingPathComponent("broken.json").path
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try target.run(["import", file])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("Error: \(file):41: field 'status' of paper "))
        #expect(result.stderr.hasSuffix(" has an invalid clock 'soon'\n"))
        #expect((try target.json(["list"]) as? [Any])?.isEmpty == true)
    }

    @Test func aMalformedBibTeXEntryNamesItsLineAndStoresNothing() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let file = reader.folder.appendingPathComponent("refs.bib").path
        try "@article{good, title = {Fine}}\n\n@article{bad,\n  title = {Unclosed\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try reader.run(["import", file])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(file):4: unbalanced braces: the file ends before the value of field 'title' of @article{bad} is closed\n")
        #expect((try reader.json(["list"]) as? [Any])?.isEmpty == true)
    }

    @Test func skipInvalidImportsTheRestAndListsWhatItSkipped() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let file = reader.folder.appendingPathComponent("mixed.bib").path
        try "@article{a, title = {Kept one}}\n@misc{b, title = {Unclosed}\n@article{c, title = {Kept two}}\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try reader.run(["import", file]).status == 1, "without the flag the file is refused whole")
        let result = try reader.run(["import", file, "--skip-invalid"])
        #expect(result.status == 0)
        #expect(result.stdout == "Imported 3 papers from \(file): 2 added, 0 merged, 0 already there, 1 failed.\n", "every paper read is counted once")
        #expect(result.stderr == "Skipped 1 invalid record:\n  \(file):2: @misc{b is not closed: expected ',' or '}'\n")
        #expect(try reader.run(["import", file, "--skip-invalid", "--strict"]).status == 64)
    }

    @Test func whatBibtexOnlyWarnsAboutIsKeptAndListedUnlessStrict() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let file = reader.folder.appendingPathComponent("lenient.bib").path
        try "\u{FEFF}@article{a, title = {Kept one}}\n@misc{b, note = {no title}}\n@article{c, title = {Kept two}, journal = nips}\n@set{s, entryset = {a,c}}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let strict = try reader.run(["import", file, "--strict"])
        #expect(strict.status == 1 && strict.stderr == "Error: \(file):3: unknown @string 'nips'\n")
        #expect((try reader.json(["list"]) as? [Any])?.isEmpty == true, "--strict stores nothing")

        let result = try reader.run(["import", file])
        #expect(result.status == 0)
        #expect(result.stdout == "Imported 3 papers from \(file): 3 added, 0 merged, 0 already there, 0 failed.\n")
        #expect(result.stderr == """
            3 warnings (kept as bibtex keeps them; --strict refuses such a file):
              \(file):2: @misc{b} has no title, DOI or arXiv id
              \(file):3: unknown @string 'nips' in field 'journal' of @article{c}, read as empty
              \(file):4: @set{s} groups other entries (a,c): each member is imported, the set is not

            """)
        let untitled = try #require(try reader.json(["show", "b"]) as? [String: Any])
        #expect(untitled["title"] as? String == "" && untitled["cite_key"] as? String == "b")
        let json = try #require(try reader.json(["import", file]) as? [String: Any])
        #expect((json["warnings"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3, 2, 4])
        #expect(json["unchanged"] as? Int == 3)
    }

    @Test func aByteOrderMarkIsReadPastInEveryFormat() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let csl = reader.folder.appendingPathComponent("zotero.json").path
        try "\u{FEFF}[{\"id\": \"x\", \"type\": \"article-journal\", \"title\": \"With a BOM\"}]".write(toFile: csl, atomically: true, encoding: .utf8)
        #expect(try reader.ok(["import", csl]).hasPrefix("Imported 1 paper from \(csl): 1 added"))
        let ris = reader.folder.appendingPathComponent("endnote.ris").path
        try "\u{FEFF}TY  - JOUR\nTI  - RIS with a BOM\nER  - \n".write(toFile: ris, atomically: true, encoding: .utf8)
        #expect(try reader.ok(["import", ris]).hasPrefix("Imported 1 paper from \(ris): 1 added"))
        let backup = reader.folder.appendingPathComponent("backup.json").path
        try reader.ok(["export", "--format", "json", "-o", backup])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        try (Data([0xEF, 0xBB, 0xBF]) + bytes).write(to: URL(fileURLWithPath: backup))
        #expect(try reader.ok(["import", backup]).hasPrefix("Nothing new: all "))
    }
}
