import Foundation
import Testing

/// The first hour of a new user, item by item (issue 11): each promise the README
/// makes, held by the built `reader`, with its exact output and exit status.
@Suite("The first hour at the command line", .serialized)
struct FirstHourTests {
    /// A library holding the bundled example.
    static func seeded() throws -> ReaderProcess {
        let reader = try ReaderProcess()
        try reader.ok(["import", seedListing])
        return reader
    }

    /// A server and two machines that both hold the bundled example, synced.
    static func twoMachinesWithTheSeed() throws -> SyncProcessTests.Setup {
        let setup = try SyncProcessTests.setUp()
        try setup.a.ok(["import", seedListing])
        try setup.a.ok(["sync"])
        try setup.b.ok(["sync"])
        return setup
    }

    // MARK: 1. Every backup restores

    @Test func aBackupWrittenAfterAPurgeRestoresLosslesslyIntoANewLibraryAndTheSameOne() throws {
        let reader = try Self.seeded()
        defer { reader.remove() }
        let added = try reader.ok(["note", "add", "krylov", "first text"])
        let note = String(added.split(separator: " ")[2])
        try reader.ok(["note", "edit", note, "second text"])
        try reader.ok(["purge", "--yes", "sirius"])
        let orphan = try reader.ok(["note", "add", "optima", "a note that outlives its paper"])
        try reader.ok(["purge", "--yes", "optima"])
        #expect(orphan.hasPrefix("Added note "))
        let backup = reader.folder.appendingPathComponent("backup.json").path
        let exported = try reader.run(["export", "--format", "json", "-o", backup])
        #expect(exported.status == 0 && exported.stderr == "Exported to \(backup)\n")

        let again = try reader.run(["import", backup])
        #expect(again.status == 0)
        #expect(again.stdout == "Nothing new: all 99 records in \(backup) are already in the library.\n")

        let copy = reader.folder.appendingPathComponent("copy.sqlite").path
        let restored = try reader.run(["import", backup], environment: [:], useLibraryOption: false, extra: ["--library", copy])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout == "Restored 99 records from \(backup): 97 new, 0 updated, 0 already there, 2 purged; 1 earlier text of notes and highlights added to their history.\n")
        let original = try reader.ok(["export", "--format", "json", "--canonical"])
        let copied = try reader.run(["export", "--format", "json", "--canonical"], useLibraryOption: false, extra: ["--library", copy])
        #expect(copied.stdout == original, "the restored library's canonical dump differs")
        let history = try reader.run(["note", "history", note], useLibraryOption: false, extra: ["--library", copy])
        #expect(history.stdout.contains("edited\nfirst text\n"), "the note's history was not restored: \(history.stdout)")
        let orphans = try reader.run(["note", "list", "--orphans"], useLibraryOption: false, extra: ["--library", copy])
        #expect(orphans.stdout.contains("a note that outlives its paper"))
    }

    // MARK: 2. A purged paper

    @Test func anImportLeavesOutPurgedPapersByTitleAndAddAgainBringsOneBack() throws {
        let reader = try Self.seeded()
        defer { reader.remove() }
        try reader.ok(["purge", "--yes", "optima"])
        let day = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        let title = "Optima: Optimizing Effectiveness and Efficiency for LLM-Based Multi-Agent System"
        let leftOut = "Left out 1 paper purged earlier (a purge is for good; `reader add ID --again` or `reader add --title … --again` brings one back):\n  \(title) (purged on \(day))\n"
        for flags in [[], ["--dry-run"], ["--skip-invalid"]] {
            let result = try reader.run(["import", seedListing] + flags)
            #expect(result.status == 0)
            #expect(result.stdout == "Nothing new in \(seedListing): 97 papers, 96 already there, 1 purged earlier (left out), 0 failed.\n")
            #expect(result.stderr == leftOut)
        }
        let refused = try reader.run(["add", "--title", title])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: '\(title)' was purged on \(day); a purge is for good, so nothing was added. To add it again as a new paper, run `reader add --title '\(title)' --again`\n")
        // By identifier too, with the identifier as typed.
        try reader.ok(["add", "2405.12345", "--offline"])
        try reader.ok(["purge", "--yes", "2405.12345"])
        let byID = try reader.run(["add", "2405.12345", "--offline"])
        #expect(byID.status == 1)
        #expect(byID.stderr == "Error: '2405.12345' was purged on \(day); a purge is for good, so nothing was added. To add it again as a new paper, run `reader add 2405.12345 --again`\n")
        #expect(try reader.run(["add", "2405.12345", "--offline", "--again"]).status == 0)
        let back = try reader.run(["add", "--title", title, "--again"])
        #expect(back.status == 0 && back.stdout.hasPrefix("Added "))
        // The paper is back, and the listing completes it instead of leaving it out.
        let after = try reader.run(["import", seedListing])
        #expect(after.stdout == "Imported 97 papers from \(seedListing): 0 added, 1 merged, 96 already there, 0 failed.\n")
        #expect(after.stderr == "")
    }

    @Test func twoMachinesBringingAPurgedPaperBackConvergeOnOnePaper() throws {
        let setup = try Self.twoMachinesWithTheSeed()
        let (server, a, b) = (setup.server, setup.a, setup.b)
        defer { a.remove(); b.remove() }
        try a.ok(["purge", "--yes", "krylov"])
        try a.ok(["sync"])
        try b.ok(["sync"])
        let title = "Accelerating Data Generation for Neural Operators via Krylov Subspace Recycling"
        try a.ok(["add", "--title", title, "--again"])
        try b.ok(["add", "--title", title, "--again"])
        try a.ok(["tag", "krylov", "+back"])
        try a.ok(["sync"])
        try b.ok(["sync"])
        try a.ok(["sync"])
        let dump = try SyncProcessTests.dump(a)
        #expect(try SyncProcessTests.dump(b) == dump)
        #expect(try server.admin(["dump", "--library", "lab"]) == dump)
        let papers = try #require(try b.json(["list", "krylov"]) as? [[String: Any]])
        #expect(papers.count == 1, "both machines brought it back as one paper")
        #expect(papers.first?["tags"] as? [String] == ["back"])
    }

    // MARK: 3. A bad clock, a NUL

    @Test func anEditOnAMachineWhoseClockSays1970IsRefusedNamingTheClock() throws {
        guard let faketime = Self.faketime() else { return }
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let result = try reader.run([faketime.path, "1970-01-02 00:00:00", ReaderProcess.binary.path, "add", "--title", "A paper", "--library", reader.library],
                                executable: faketime.path, rawArguments: true)
        #expect(result.status == 1)
        #expect(result.stderr == "Error: this machine's clock says 1970-01-02, before 2000: an edit stamped with it could never sync, so nothing was changed. Set the system clock (`timedatectl set-ntp true`, or `date -s`), then try again\n")
        #expect((try reader.json(["list"]) as? [Any])?.isEmpty == true)
    }

    @Test func changesNoServerAcceptsAreSetAsideTheRestSyncsAndDoctorRepairsTheClocks() throws {
        let setup = try SyncProcessTests.setUp()
        let (server, a) = (setup.server, setup.a)
        defer { a.remove(); setup.b.remove() }
        let backup = a.folder.appendingPathComponent("from-1970.json").path
        try """
            {"format":"reader-backup","records":[
            {"entity":"paper","fields":{"added_at":{"hlc":"0000000001000-0000-00000000000000aa","value":1000},"status":{"hlc":"0000000001000-0000-00000000000000aa","value":"inbox"},"title":{"hlc":"0000000001000-0000-00000000000000aa","value":"A paper edited in 1970"},"trashed":{"hlc":"0000000001000-0000-00000000000000aa","value":false}},"id":"00000000-0000-5000-8000-000000000001"}
            ],"version":1}

            """.write(toFile: backup, atomically: true, encoding: .utf8)
        try a.ok(["import", backup])
        try a.ok(["add", "--title", "A paper of today"])
        let sync = try a.run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("sent 5 field changes in 1 batch: 5 applied, 0 superseded by later edits, 0 rejected\n"))
        #expect(sync.stdout.contains("set aside 4 changes the server refuses as invalid; the rest was sent"))
        let status = try a.ok(["sync", "status"])
        #expect(status.contains("set aside       4 changes no server accepts (`reader doctor --repair` stamps bad clocks again):\n  paper 00000000 added_at: hlc: 0000000001000-0000-00000000000000aa is before 2000-01-01, not a real clock\n"))
        #expect(try server.admin(["dump", "--library", "lab"]).contains("A paper of today"))
        let doctor = try a.run(["doctor"])
        #expect(doctor.status == 2)
        #expect(doctor.stdout == "Database file   ok\nSearch index    ok\nTag counts      ok\nClocks          4 fields stamped before 2000, which no server accepts: run `reader doctor --repair` (with the system clock set right)\nSync            4 changes set aside, not synced: `reader sync status` lists them\nFiles           ok (0 checked)\n")
        let repair = try a.run(["doctor", "--repair"])
        #expect(repair.status == 0)
        #expect(repair.stdout == "Database file   ok\nSearch index    ok\nTag counts      ok\nClocks          4 fields stamped before 2000 were stamped again and queued for sync\nSync            ok\nFiles           ok (0 checked)\n")
        #expect(try a.ok(["sync"]).contains("sent 4 field changes in 1 batch: 4 applied"))
        #expect(try server.admin(["dump", "--library", "lab"]).contains("A paper edited in 1970"))
        let json = try #require(try a.json(["sync", "status"]) as? [String: Any])
        #expect((json["set_aside"] as? [Any])?.isEmpty == true)
        #expect(json["pending_field_changes"] as? Int == 0)
    }

    @Test func aNULInAnImportedTitleIsRefusedNeverCutOff() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let file = reader.folder.appendingPathComponent("nul.json").path
        try #"[{"type":"article","title":"a\u0000b","id":"x1"},{"type":"article","title":"fine","id":"x2"}]"#.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try reader.run(["import", file])
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: \(file): paper 'a\u{2400}b': title: text may not contain NUL characters (U+0000); nothing was imported (--skip-invalid imports the rest)\n")
        let skipped = try reader.run(["import", file, "--skip-invalid"])
        #expect(skipped.stdout == "Imported 2 papers from \(file): 1 added, 0 merged, 0 already there, 1 failed.\n")
        #expect(skipped.stderr == "Skipped 1 invalid record:\n  \(file): paper 'a\u{2400}b': title: text may not contain NUL characters (U+0000)\n")
        let titles = (try reader.json(["list"]) as? [[String: Any]])?.compactMap { $0["title"] as? String }
        #expect(titles == ["fine"])
    }

    // MARK: 4. SQLite failures in words

    @Test func aDamagedLibraryIsADoctorFindingWithWhatToDo() throws {
        let reader = try Self.seeded()
        defer { reader.remove() }
        // Every page but the first (the header and the schema) overwritten.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: reader.library)[.size] as? Int)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: reader.library))
        try handle.seek(toOffset: 8192)
        try handle.write(contentsOf: Data(repeating: 0xFF, count: size - 8192))
        try handle.close()
        let advice = "the library \(reader.library) is damaged (SQLite found its pages inconsistent). Restore a copy made with `reader backup`, or restore a JSON export into a new library: `reader --library NEW.sqlite import BACKUP.json`; `reader doctor` checks the file"
        let doctor = try reader.run(["doctor"])
        #expect(doctor.status == 2)
        #expect(doctor.stdout == "Database file   DAMAGED: \(advice)\n")
        #expect(!doctor.stderr.contains("SQLite error") && !doctor.stderr.contains("PRAGMA"))
        let list = try reader.run(["export", "--format", "csv"])
        #expect(list.status == 1)
        #expect(list.stderr == "Error: \(advice)\n")
    }

    @Test func aReadOnlyLibrarySaysSoWithoutSQL() throws {
        let reader = try Self.seeded()
        defer { reader.remove() }
        let message = "Error: the library \(reader.library) is read-only: nothing was changed. Check the permissions of the file and its folder (`ls -l`), or choose another library with --library\n"
        let result: ReaderProcess.Result
        if getuid() == 0 {
            // root writes any file: run the command as another user instead.
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: reader.folder.path)
            result = try reader.run(["runuser", "-u", "nobody", "--", ReaderProcess.binary.path, "tag", "krylov", "+pde", "--library", reader.library],
                                    executable: "/usr/sbin/runuser", rawArguments: true)
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: reader.library)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: reader.folder.path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: reader.folder.path) }
            result = try reader.run(["tag", "krylov", "+pde"])
        }
        #expect(result.status == 1)
        #expect(result.stderr == message)
    }

    // MARK: 5. What --library may create

    @Test func aFileThatIsNotALibraryIsRefusedAndAMistypedFolderCreatesNothing() throws {
        let reader = try ReaderProcess(createLibrary: false)
        defer { reader.remove() }
        let notes = reader.folder.appendingPathComponent("notes.txt").path
        try "my notes\n".write(toFile: notes, atomically: true, encoding: .utf8)
        let text = try reader.run(["list", "--library", notes], useLibraryOption: false)
        #expect(text.status == 1)
        #expect(text.stderr == "Error: \(notes) is a text file, not a reader library; it was left as it is. Give the library's file with --library, or a new file name to start a new library\n")
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "my notes\n")
        let empty = reader.folder.appendingPathComponent("empty.sqlite").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(try reader.run(["list", "--library", empty], useLibraryOption: false).stderr
                == "Error: \(empty) is an empty file, not a reader library; it was left as it is. Give the library's file with --library, or a new file name to start a new library\n")
        let typo = reader.folder.appendingPathComponent("librray/papers.sqlite").path
        let missing = try reader.run(["list", "--library", typo], useLibraryOption: false)
        #expect(missing.status == 1)
        #expect(missing.stderr == "Error: there is no library at \(typo), and its folder \(reader.folder.appendingPathComponent("librray").path) does not exist; check the path, or create the folder first (mkdir -p \(reader.folder.appendingPathComponent("librray").path)) to start a new library there\n")
        #expect(!FileManager.default.fileExists(atPath: reader.folder.appendingPathComponent("librray").path))
        let first = try reader.run(["list"])
        #expect(first.stderr == "Created a new library at \(reader.library)\nNo papers match.\n")
        #expect(try reader.run(["list"]).stderr == "No papers match.\n", "said once")
    }

    // MARK: 6-8. The query language and global options as written

    @Test func negationsWorkAsWrittenInSearchListAndExport() throws {
        let reader = try Self.seeded()
        defer { reader.remove() }
        try reader.ok(["tag", "krylov", "+seen"])
        try reader.ok(["drop", "sirius"])
        let readme = try reader.run(["search", "neural operator", "-survey", "year:2024"])
        #expect(readme.status == 0 && readme.stderr == "No papers match.\n", "the README's own example: \(readme.stderr)")
        let all = try #require(try reader.json(["list"]) as? [[String: Any]]).count
        #expect(try #require(try reader.json(["list", "-tag:seen"]) as? [Any]).count == all - 1)
        #expect(try #require(try reader.json(["list", "-status:dropped"]) as? [Any]).count == all - 1)
        #expect(try #require(try reader.json(["list", "-has:abstract"]) as? [Any]).isEmpty)
        let operators = try #require(try reader.json(["search", "operator"]) as? [Any]).count
        let withoutKrylov = try #require(try reader.json(["search", "operator", "-krylov"]) as? [Any]).count
        #expect(operators > 1 && withoutKrylov == operators - 1)
        let csv = try reader.run(["export", "--format", "csv", "-tag:seen", "-status:dropped"])
        #expect(csv.status == 0)
        #expect(csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == all - 2 + 1, "a header and every paper but the two")
        let help = try reader.run(["list", "-has:abstract", "--limit", "1"])
        #expect(!help.stdout.contains("USAGE") && !help.stdout.contains("OVERVIEW"))
    }

    @Test func aWholeQueryInOneArgumentIsTheSameQueryAndAPhraseMissSaysWhetherTheWordsMatch() throws {
        let reader = try Self.seeded()
        defer { reader.remove() }
        try reader.ok(["tag", "krylov", "+pde"])
        try reader.ok(["start", "krylov"])
        let separate = try reader.ok(["list", "tag:pde", "status:reading"])
        #expect(try reader.ok(["list", "tag:pde status:reading"]) == separate)
        #expect(separate.contains("Krylov"))
        #expect(try reader.ok(["search", "neural -operator"]) == reader.ok(["search", "neural", "-operator"]))
        let miss = try reader.run(["search", "\"operators neural\""])
        #expect(miss.status == 0)
        #expect(miss.stderr == "No papers match the phrase \"operators neural\"; its words alone match 4 papers (leave out the inner quotes to search for them).\n")
        #expect(try reader.run(["search", "\"quantum gravity\""]).stderr == "No papers match; not even the words of \"quantum gravity\" alone.\n")
    }

    @Test func theLibraryOptionIsAcceptedBeforeTheSubcommand() throws {
        let reader = try Self.seeded()
        defer { reader.remove() }
        let backup = reader.folder.appendingPathComponent("reader.json").path
        try reader.ok(["export", "--format", "json", "-o", backup])
        let new = reader.folder.appendingPathComponent("new.sqlite").path
        let result = try reader.run(["--library", new, "import", backup], useLibraryOption: false)
        #expect(result.status == 0)
        #expect(result.stdout == "Restored 97 records from \(backup): 97 new, 0 updated, 0 already there.\n")
        #expect(result.stderr == "Created a new library at \(new)\n")
        #expect(try reader.run(["--library=\(new)", "list", "krylov"], useLibraryOption: false).stdout.contains("Krylov"))
    }

    // MARK: 9-10. References

    @Test func referencesToPapersInTheTrashSayWhatIsTrue() throws {
        let reader = try Self.seeded()
        defer { reader.remove() }
        let title = "Optima: Optimizing Effectiveness and Efficiency for LLM-Based Multi-Agent System"
        try reader.ok(["rm", "optima"])
        let tag = try reader.run(["tag", "optima", "+x"])
        #expect(tag.status == 1 && tag.stderr == "Error: 'optima' is in the trash (\(title)); `reader restore optima` brings it back\n")
        #expect(try reader.run(["note", "list", "optima"]).stderr == "Error: 'optima' is in the trash (\(title)); `reader restore optima` brings it back\n")
        #expect(try reader.run(["rm", "optima"]).stderr == "Error: 'optima' is already in the trash (\(title)); `reader purge` deletes it for good, `reader restore` brings it back\n")
        let krylov = "Accelerating Data Generation for Neural Operators via Krylov Subspace Recycling"
        #expect(try reader.run(["restore", "krylov"]).stderr == "Error: 'krylov' is not in the trash (\(krylov))\n")
        let purge = try reader.run(["purge", "krylov"])
        #expect(purge.status == 1)
        #expect(purge.stderr == "Error: 'krylov' is not in the trash (\(krylov)); a purge cannot be undone, so move it there first with `reader rm krylov`, or purge it at once with `reader purge --yes krylov`\n")
        #expect(try reader.ok(["purge", "optima"]).hasPrefix("Purged "))
        #expect((try reader.json(["trash"]) as? [Any])?.isEmpty == true)
    }

    @Test func printedNoteEndsTheirPrefixesCitationKeysAndFoldedAuthorsFindWhatTheyName() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "Operators for everyone", "--author", "José Müller", "--year", "2024"])
        let added = try reader.ok(["note", "add", "operators", "a note"])
        let printed = String(added.split(separator: " ")[2])
        #expect(printed.count == 8)
        #expect(try reader.ok(["note", "edit", String(printed.prefix(4)), "edited"]) == "Saved note \(printed)\n")
        let bib = try reader.ok(["export", "--format", "bibtex"])
        #expect(bib.contains("@misc{muller2024operators,"))
        #expect(try reader.ok(["show", "muller2024operators"]).contains("Operators for everyone"))
        #expect(try reader.ok(["list", "author:muller"]).contains("Operators for everyone"))
        for query in ["🙂", "-"] {
            let result = try reader.run(["search", query])
            #expect(result.status == 1)
            #expect(result.stderr == "Error: the query '\(query)' has no word to search for: a word needs a letter or a digit\n")
        }
    }

    // MARK: 11. Provisional citation keys

    @Test func aGeneratedKeyIsProvisionalUntilTheFirstExport() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "Sparse mixtures of experts", "--year", "2024"])
        #expect(try reader.ok(["show", "sparse"]).contains("cite key  anon2024sparse (provisional: fixed when the paper is first exported)\n"))
        // Its authors arrive later (here from a RIS file with no key of its own; `refresh` does the same).
        let ris = reader.folder.appendingPathComponent("more.ris").path
        try "TY  - JOUR\nTI  - Sparse mixtures of experts\nAU  - Shazeer, Noam\nPY  - 2024\nER  - \n".write(toFile: ris, atomically: true, encoding: .utf8)
        #expect(try reader.ok(["import", ris]).contains("1 merged"))
        #expect(try reader.ok(["show", "sparse"]).contains("cite key  shazeer2024sparse (provisional: fixed when the paper is first exported)\n"))
        #expect(try reader.ok(["export", "--format", "bibtex"]).contains("{shazeer2024sparse,"))
        let shown = try reader.ok(["show", "sparse"])
        #expect(shown.contains("cite key  shazeer2024sparse\n"), "fixed by the export")
        let json = try #require(try reader.json(["show", "sparse"]) as? [String: Any])
        #expect(json["cite_key"] as? String == "shazeer2024sparse" && json["provisional_cite_key"] == nil)
    }

    // MARK: 12. Counts

    @Test func everyCountNamesOneUnitAndAddsUp() throws {
        let setup = try Self.twoMachinesWithTheSeed()
        let (a, b) = (setup.a, setup.b)
        defer { a.remove(); b.remove() }
        let note = String(try a.ok(["note", "add", "krylov", "one\ntwo\nthree"]).split(separator: " ")[2])
        try a.ok(["sync"])
        try b.ok(["sync"])
        try a.ok(["note", "edit", note, "one\ntwo, from a\nthree"])
        try b.ok(["note", "edit", note, "one\ntwo, from b\nthree"])
        try b.ok(["tag", "krylov", "+x"])
        let stats = try b.ok(["stats"])
        let status = try b.ok(["sync", "status"])
        // The note's body and edit time; the tag's name; the membership's paper, tag and presence.
        #expect(stats.contains("Unsynced   6 field changes in 3 records\n"))
        #expect(status.contains("pending         6 field changes in 3 records\n"))
        let json = try #require(try b.json(["sync", "status"]) as? [String: Any])
        #expect(json["pending_field_changes"] as? Int == 6 && json["pending_records"] as? Int == 3)
        try a.ok(["sync"])
        let sync = try b.ok(["sync"])
        // The six, then the seven fields of the conflict copy the overlapping edit made.
        #expect(sync.contains("sent 13 field changes in 2 batches: 12 applied, 0 superseded by later edits, 1 made from an older text (merged or kept as a conflict copy), 0 rejected\n"), "\(sync)")
    }

    // MARK: 13. Validation

    @Test func misusedCommandLinesGetPreciseMessagesAndExit64() throws {
        let reader = try Self.seeded()
        defer { reader.remove() }
        let usage: [([String], String)] = [
            (["list", "--limit", "-1"], "Error: --limit -1: give 1 or more (leave --limit out for every paper)"),
            (["search", "krylov", "--limit", "0"], "Error: --limit 0: give 1 or more (leave --limit out for every paper)"),
            (["highlight", "add", "krylov", "a passage", "--page", "-3"], "Error: --page -3: a page number is 1 or more"),
        ]
        for (arguments, message) in usage {
            let result = try reader.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.hasPrefix(message + "\n"), "\(result.stderr)")
        }
        let tag = try reader.run(["tag", "krylov"])
        #expect(tag.status == 64)
        #expect(tag.stderr == "Error: no tag to change on 'krylov': give +name to add a tag and -name to remove one (`reader tag krylov +to-read`); `reader tags` lists them\n")
        let note = try reader.run(["note", "add", "krylov"], environment: ["EDITOR": "", "VISUAL": ""])
        #expect(note.status == 64)
        #expect(note.stderr == "Error: no text given, and no terminal for an editor: give the text as an argument, - to read it from standard input, or set EDITOR\n")
        try reader.ok(["note", "add", "krylov", "-"], stdin: "typed text\n\n\n")
        let notes = try #require(try reader.json(["note", "list", "krylov"]) as? [[String: Any]])
        #expect(notes.first?["body"] as? String == "typed text")

        let empty = reader.folder.appendingPathComponent("empty.bib").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(try reader.run(["import", empty]).stderr == "Error: \(empty) is empty: there is nothing to import\n")
        let latin1 = reader.folder.appendingPathComponent("latin1.txt").path
        try Data("Title\n\nAn abstract about caf".utf8 + [0xE9] + Data(" culture.\n".utf8)).write(to: URL(fileURLWithPath: latin1))
        #expect(try reader.run(["import", latin1]).stderr == "Error: \(latin1):3: not UTF-8 text (byte 0xE9) at byte 29; name its encoding, for example `reader import --encoding latin1 \(latin1)`\n")
        let latin1Bib = reader.folder.appendingPathComponent("latin1.bib").path
        try Data("@book{cafe, title = {Caf".utf8 + [0xE9] + Data(" culture}, author = {M".utf8) + [0xFC] + Data("ller, Anna}}\n".utf8)).write(to: URL(fileURLWithPath: latin1Bib))
        #expect(try reader.ok(["import", "--encoding", "latin1", latin1Bib]).hasPrefix("Imported 1 paper from \(latin1Bib): 1 added"))
        let cafe = try #require(try reader.json(["show", "cafe"]) as? [String: Any])
        #expect(cafe["title"] as? String == "Café culture" && cafe["authors"] as? [String] == ["Anna Müller"])
        #expect(try reader.run(["import", "--encoding", "klingon", latin1]).stderr.hasPrefix("Error: \(latin1): unknown encoding 'klingon' (`iconv -l` lists the known ones"))
        let missing = reader.folder.appendingPathComponent("no/such/folder/copy.sqlite").path
        #expect(try reader.run(["backup", missing]).stderr == "Error: cannot write the backup \(missing): the folder \(reader.folder.appendingPathComponent("no/such/folder").path) does not exist; create it first (mkdir -p \(reader.folder.appendingPathComponent("no/such/folder").path))\n")
        try reader.ok(["highlight", "add", "krylov", "a passage", "--page", "3"])
        #expect(try reader.ok(["highlight", "list"]).hasPrefix("Accelerating Data Generation for Neural Operators via Krylov Subspace Recycling\n"))
        let rating = try reader.run(["status", "krylov", "dropped", "--rating", "3"])
        #expect(rating.status == 1 && rating.stderr == "Error: invalid rating: a rating goes with the status read (`reader done PAPER --rating N`), not dropped\n")
    }

    // MARK: 14. Status, read date and rating together

    @Test func aPaperReadWithARatingHereAndDroppedThereEndsConsistent() throws {
        let setup = try Self.twoMachinesWithTheSeed()
        let (a, b) = (setup.a, setup.b)
        defer { a.remove(); b.remove() }
        try a.ok(["done", "krylov", "--rating", "4"])
        try b.ok(["drop", "krylov"])
        try a.ok(["sync"])
        try b.ok(["sync"])
        try a.ok(["sync"])
        for reader in [a, b] {
            let paper = try #require(try reader.json(["show", "krylov"]) as? [String: Any])
            #expect(paper["status"] as? String == "dropped")
            #expect(paper["rating"] is NSNull && paper["read_at"] is NSNull, "a dropped paper keeps no rating or read date")
        }
    }

    static func faketime() -> URL? {
        for path in ["/usr/bin/faketime", "/usr/local/bin/faketime"] where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        Issue.record("faketime is not installed: apt-get install faketime (the README's test set-up and .ci/run install it)")
        return nil
    }
}
