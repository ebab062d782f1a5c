import Foundation
import Testing

/// Papers' files with the built `reader`: attach, fetch from the fixture server on
/// 127.0.0.1, open, search inside, the offline policy and budget, kills midway,
/// doctor, purge and backups.
@Suite("Papers' files end to end", .serialized)
struct PaperFilesTests {
    static let twoColumn = repositoryRoot.appendingPathComponent("Tests/Fixtures/files/two-column.pdf").path
    static let onePage = repositoryRoot.appendingPathComponent("Tests/Fixtures/files/one-page.pdf").path

    /// The store's file of `hash` under the test library, and every path under the store.
    static func storeFiles(_ reader: ReaderProcess) -> [String] {
        let root = reader.library + ".files"
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        return (walker.allObjects as? [String] ?? []).filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isFolder) && !isFolder.boolValue
        }.sorted()
    }

    static func sha256(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    @Test func anAttachedPaperIsSearchableByPageOpenedAndListedAsHere() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "Krylov Methods for Two-Column Reading Order", "--author", "A. Tester"])
        let hash = try Self.sha256(Self.twoColumn)
        #expect(try reader.ok(["attach", "krylov", Self.twoColumn]) == "Attached two-column.pdf (83 KiB) to Krylov Methods for Two-Column Reading Order\n")
        #expect(Self.storeFiles(reader) == ["sha256/\(hash.prefix(2))/\(hash.dropFirst(2).prefix(2))/\(hash)"])
        // The same bytes again: one file.
        #expect(try reader.ok(["attach", "krylov", Self.twoColumn]).contains("already in the store"))
        #expect(Self.storeFiles(reader).count == 1)

        let search = try reader.ok(["search", "zymurgical"])
        #expect(search.contains("p. 7: "), "\(search)")
        #expect(search.contains("[zymurgical]"))
        let hits = try #require(try reader.json(["search", "zymurgical"]) as? [[String: Any]])
        #expect(hits.first?["page"] as? Int == 7)
        #expect(try reader.ok(["list", "has:file"]).contains("Krylov Methods for Two-Column Reading Order  [file]"))
        #expect(try reader.ok(["list", "no:file"]).isEmpty)
        #expect(try reader.ok(["list", "in:text", "zymurgical"]).contains("Krylov"))

        let path = try reader.ok(["open", "--path", "krylov"]).trimmingCharacters(in: .newlines)
        #expect(path == reader.library + ".files/sha256/\(hash.prefix(2))/\(hash.dropFirst(2).prefix(2))/\(hash)")
        let opened = reader.folder.appendingPathComponent("opened.txt").path
        try reader.ok(["open", "krylov"], environment: ["READER_OPENER": "printf '%s' > \(opened)"])
        #expect(try String(contentsOfFile: opened, encoding: .utf8) == path)
        let shown = try #require(try reader.json(["show", "krylov"]) as? [String: Any])
        let attachments = try #require(shown["attachments"] as? [[String: Any]])
        #expect(attachments.map { $0["sha256"] as? String } == [hash])
        #expect(attachments.first?["here"] as? Bool == true)
        #expect(attachments.first?["name"] as? String == "two-column.pdf")
    }

    @Test func openingAPaperWithNoFileAndNoNetworkSaysExactlyThat() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "2405.21060", "--offline", "--title", "Transformers are SSMs"])
        // Nothing listens on port 9 of this machine: as good as no network.
        let result = try reader.run(["open", "ssms"], environment: ["READER_ARXIV_PDF": "http://127.0.0.1:9/pdf", "READER_OPENER": "true"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("the file of Transformers are SSMs is not on this machine, and it could not be fetched: http://127.0.0.1:9/pdf/2405.21060: the connection was refused"), "\(result.stderr)")
        let path = try reader.run(["open", "--path", "ssms"], environment: ["READER_ARXIV_PDF": "http://127.0.0.1:9/pdf"])
        #expect(path.status != 0 && path.stdout.isEmpty, "no path is printed for a file that is not here")
    }

    @Test func hostileFileNamesNeverDecideWhereAnythingIsWritten() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "A Paper"])
        let names = ["..%2F..%2Fetc%2Fpasswd.pdf", "\u{202E}fdp.exe", String(repeating: "n", count: 250) + ".pdf", "a\u{0007}b.pdf"]
        for name in names {
            let copy = reader.folder.appendingPathComponent(name)
            try FileManager.default.copyItem(atPath: Self.onePage, toPath: copy.path)
            try reader.ok(["attach", "a paper", copy.path])
        }
        // A name with a NUL cannot even reach the program as an argument; a path of
        // parent folders is a file the user names, read and copied by its bytes.
        try reader.ok(["attach", "a paper", reader.folder.appendingPathComponent("../" + reader.folder.lastPathComponent + "/" + names[0]).path])
        #expect(Self.storeFiles(reader).count == 1, "\(Self.storeFiles(reader))")
        let shown = try #require(try reader.json(["show", "a paper"]) as? [String: Any])
        let shownNames = (shown["attachments"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(shownNames.count == 1, "one file, one attachment: \(shownNames)")
        #expect(shownNames.allSatisfy { !$0.contains("/") && !$0.unicodeScalars.contains { $0.properties.generalCategory == .format || $0.properties.generalCategory == .control } && $0.count <= 200 })
        let missing = try reader.run(["attach", "a paper", reader.folder.appendingPathComponent("no-such.pdf").path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no-such.pdf: cannot read it: No such file or directory"), "\(missing.stderr)")
    }

    @Test func fetchSaysWhatItFetchedWhatWasHereAndWhatFailedAndWhy() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        var env = server.environment
        env["READER_ARXIV_INTERVAL"] = "0"
        let ris = reader.folder.appendingPathComponent("links.ris")
        try """
            TY  - JOUR
            TI  - Good Paper
            AU  - Author, A.
            L1  - \(server.url("/pdf/one-page.pdf").absoluteString)
            ER  -\u{20}
            TY  - JOUR
            TI  - Login Paper
            AU  - Author, B.
            L1  - \(server.url("/hostile/html/login.pdf").absoluteString)
            ER  -\u{20}
            TY  - JOUR
            TI  - No Link Paper
            AU  - Author, C.
            ER  -\u{20}

            """.write(to: ris, atomically: true, encoding: .utf8)
        try reader.ok(["import", ris.path])
        try reader.ok(["add", "2405.21060", "--offline", "--title", "Krylov Methods for Two-Column Reading Order"])
        for title in ["good paper", "login paper", "krylov"] { try reader.ok(["queue", title]) }

        // No argument: what the policy (queued or being read) wants.
        let first = try reader.run(["fetch"], environment: env)
        #expect(first.status == 1)
        #expect(first.stdout == """
            Fetched 2 (119.5 KiB), already here 0, failed 1.
              failed: Login Paper: \(server.url("/hostile/html/login.pdf").absoluteString): the server sent a web page (text/html) instead of a PDF: perhaps a login or captcha page

            """, "\(first.stdout)")
        let lines = first.stderr.split(separator: "\n").map(String.init).sorted()
        #expect(lines == ["failed: Login Paper (the reason follows at the end)", "fetched: Good Paper (36.4 KiB)",
                          "fetched: Krylov Methods for Two-Column Reading Order (83 KiB)"], "\(first.stderr)")
        #expect(try reader.ok(["offline"]).contains("Wanted and missing: 1 of 3"))

        let second = try reader.run(["fetch", "--quiet"], environment: env)
        #expect(second.stderr.isEmpty)
        #expect(second.stdout.hasPrefix("Fetched 0 (0 B), already here 0, failed 1."), "only the missing paper is tried: \(second.stdout)")
        let named = try reader.run(["fetch", "good paper", "krylov", "--json"], environment: env)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(named.stdout.utf8)) as? [String: Any])
        #expect((json["already_here"] as? [Any])?.count == 2 && (json["fetched"] as? [Any])?.isEmpty == true && (json["failed"] as? [Any])?.isEmpty == true)
        let none = try reader.run(["fetch", "no link paper"], environment: env)
        #expect(none.stdout.contains("failed: No Link Paper: arXiv has no paper with this title; no source for a PDF: the paper has no arXiv id, PDF link or DOI (`reader attach` adds a file you have)"), "\(none.stdout)")
        #expect(try reader.ok(["search", "quokkaesque"]).contains("Good Paper"))
        #expect(server.requests.filter { $0.contains("/arxiv-pdf/2405.21060") }.count == 1)
    }

    @Test func aServerThatStallsIsGivenUpAfterTheIdleTime() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        var env = server.environment
        env["READER_HTTP_TIMEOUT"] = "1"
        env["READER_ARXIV_PDF"] = "http://127.0.0.1:\(server.port)/hostile/stall"
        try reader.ok(["add", "2405.21060", "--offline", "--title", "Stalled Paper"])
        let started = Date()
        let result = try reader.run(["fetch", "stalled"], environment: env)
        #expect(Date().timeIntervalSince(started) < 10, "stopped after the idle time, not when the server gave up after 30 s")
        #expect(result.status == 1)
        #expect(result.stdout.contains("the request timed out; `reader fetch` again resumes it"), "\(result.stdout)")
    }

    @Test func aFetchKilledMidwayResumesAndLeavesNoPartialFileInTheStore() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        var env = server.environment
        env["READER_ARXIV_INTERVAL"] = "0"
        env["READER_ARXIV_PDF"] = "http://127.0.0.1:\(server.port)/trickle"
        try reader.ok(["add", "2405.21060", "--offline", "--title", "Krylov Trickle"])
        let partials = reader.library + ".files/partial"
        let fetch = try reader.start(["fetch", "krylov"], environment: env)
        // Kill it once some of the file has arrived (the trickle takes about half a second per 80 KiB).
        var size = 0
        for _ in 0..<200 {
            size = ((try? FileManager.default.contentsOfDirectory(atPath: partials)) ?? []).compactMap {
                (try? FileManager.default.attributesOfItem(atPath: partials + "/" + $0)[.size]) as? Int
            }.first ?? 0
            if size > 16_384 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        kill(fetch.processIdentifier, SIGKILL)
        fetch.waitUntilExit()
        #expect(size > 16_384, "the download had started")
        #expect(!Self.storeFiles(reader).contains { $0.hasPrefix("sha256/") }, "nothing entered the store")
        let doctorBefore = try reader.run(["doctor"])
        #expect(doctorBefore.status == 0, "a partial download is not damage: \(doctorBefore.stdout)")

        let again = try reader.run(["fetch", "krylov"], environment: env)
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.hasPrefix("Fetched 1 (83 KiB), already here 0, failed 0."), "\(again.stdout)")
        #expect(server.requests.last?.contains("range=bytes=") == true, "it resumed: \(server.requests)")
        let hash = try Self.sha256(Self.twoColumn)
        #expect(Self.storeFiles(reader).filter { $0.hasPrefix("sha256/") } == ["sha256/\(hash.prefix(2))/\(hash.dropFirst(2).prefix(2))/\(hash)"])
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: partials)) ?? []).isEmpty)
        #expect(try reader.ok(["doctor"]).contains("Files           ok (1 checked)"))
    }

    /// Slow: three attaches of 48 MiB, each hashed by a debug build.
    @Test(.tags(.slow), .enabled(if: SlowTests.enabled, SlowTests.skipped))
    func anAttachKilledMidwayLeavesEitherNothingOrTheWholeFile() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "A Big Scan"])
        let big = reader.folder.appendingPathComponent("big.bin")
        let random = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
        try random.read(upToCount: 48 << 20)?.write(to: big)
        try random.close()
        let bigHash = try Self.sha256(big.path)
        for delay in [0.02, 0.08, 0.2] {
            let attach = try reader.start(["attach", "big scan", big.path])
            Thread.sleep(forTimeInterval: delay)
            kill(attach.processIdentifier, SIGKILL)
            attach.waitUntilExit()
            let stored = Self.storeFiles(reader).filter { $0.hasPrefix("sha256/") }
            #expect(stored.isEmpty || stored == ["sha256/\(bigHash.prefix(2))/\(bigHash.dropFirst(2).prefix(2))/\(bigHash)"], "\(stored)")
            for file in stored { #expect(try Self.sha256(reader.library + ".files/" + file) == bigHash) }
        }
        // The next store operation (or doctor --repair) removes what a killed process left.
        try reader.ok(["doctor", "--repair"])
        #expect(Self.storeFiles(reader).allSatisfy { $0.hasPrefix("sha256/") }, "\(Self.storeFiles(reader))")
        try reader.ok(["attach", "big scan", big.path])
        #expect(try reader.ok(["doctor"]).contains("Files           ok (1 checked)"))
    }

    @Test func aDamagedFileIsFoundByDoctorAndRemovedByRepair() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "A Paper"])
        try reader.ok(["attach", "a paper", Self.onePage])
        let stored = try #require(Self.storeFiles(reader).first)
        let path = reader.library + ".files/" + stored
        chmod(path, 0o644)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: 100)
        handle.write(Data("damage".utf8))
        try handle.close()
        let found = try reader.run(["doctor"])
        #expect(found.status == 2)
        #expect(found.stdout.contains("Files           1 checked; 1 DAMAGED (their bytes no longer have their hash): `reader doctor --repair` removes them"), "\(found.stdout)")
        let repaired = try reader.run(["doctor", "--repair"])
        #expect(repaired.stdout.contains("1 damaged (their bytes no longer have their hash) removed: `reader fetch` gets them again"), "\(repaired.stdout)")
        #expect(Self.storeFiles(reader).filter { $0.hasPrefix("sha256/") }.isEmpty)
        #expect(try reader.ok(["doctor"]).contains("Files           ok (0 checked)"))
        #expect(try reader.ok(["show", "a paper"]).contains("not on this machine (reader fetch)"))
    }

    @Test func theBudgetEvictsTheLeastRecentlyOpenedFilesNoKeptPaperNeeds() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        var env = server.environment
        env["READER_ARXIV_INTERVAL"] = "0"
        // Three fetched papers and one attached file, 83 KiB each but the attached 37 KiB.
        for id in ["2401.00001", "2401.00002", "2401.00003"] {
            try reader.ok(["add", id, "--offline", "--title", "Paper \(id)"])
        }
        try reader.ok(["add", "--title", "Mine"])
        try reader.ok(["attach", "mine", Self.onePage])
        // Each arXiv id is served the same bytes: give them distinct files.
        _ = try reader.run(["fetch", "2401.00001"], environment: env)
        #expect(try reader.ok(["offline"]).contains("Policy: queue (papers queued or being read, and pinned papers)"))
        #expect(try reader.ok(["offline", "budget", "10KB"]) == "Budget: 9.8 KiB.\n")
        try reader.ok(["offline", "pin", "2401.00001"])
        let pinned = try reader.ok(["offline", "prune", "--dry-run"])
        #expect(pinned.hasPrefix("Nothing to remove"), "pinned and attached files stay: \(pinned)")
        try reader.ok(["offline", "unpin", "2401.00001"])
        let plan = try reader.ok(["offline", "prune", "--dry-run"])
        #expect(plan == "would remove: Paper 2401.00001 (83 KiB)\nWould free 83 KiB; 36.4 KiB stored, budget 9.8 KiB.\n", "\(plan)")
        try reader.ok(["queue", "2401.00001"])
        #expect(try reader.ok(["offline", "prune"]).hasPrefix("Nothing to remove"), "the policy wants a queued paper's file")
        try reader.ok(["status", "2401.00001", "inbox"])
        #expect(try reader.ok(["offline", "prune"]).hasPrefix("removed: Paper 2401.00001"))
        #expect(try reader.ok(["search", "zymurgical"]).contains("Paper 2401.00001"), "its text stays searchable")
        #expect(try reader.ok(["list", "has:file"]).contains("Mine"))
        #expect(!(try reader.ok(["list", "has:file"]).contains("2401.00001")))
    }

    @Test func aBackupWithFilesRestoresTheFilesAndOneWithoutKnowsItHasNone() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "Krylov Methods"])
        try reader.ok(["attach", "krylov", Self.twoColumn])
        let with = reader.folder.appendingPathComponent("with.sqlite").path
        let without = reader.folder.appendingPathComponent("without.sqlite").path
        try reader.ok(["backup", "--with-files", with])
        try reader.ok(["backup", without])
        let copy = try reader.run(["open", "--path", "krylov", "--library", with], useLibraryOption: false)
        #expect(copy.status == 0)
        #expect(try Self.sha256(copy.stdout.trimmingCharacters(in: .newlines)) == (try Self.sha256(Self.twoColumn)))
        #expect(try reader.run(["doctor", "--library", with], useLibraryOption: false).stdout.contains("Files           ok (1 checked)"))
        let bare = try reader.run(["list", "has:file", "--library", without], useLibraryOption: false)
        #expect(bare.stdout.isEmpty, "\(bare.stdout)")
        #expect(try reader.run(["search", "zymurgical", "--library", without], useLibraryOption: false).stdout.contains("p. 7"), "the text came with the records")
        #expect(try reader.run(["doctor", "--library", without], useLibraryOption: false).status == 0)
    }

    @Test func withoutAPDFTextProgramEverythingElseWorksAndReaderSaysWhatToInstall() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "Krylov Methods"])
        let result = try reader.run(["attach", "krylov", Self.twoColumn], environment: ["READER_PDF_TEXT": "none"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stderr == "Note: no PDF text program is installed; install poppler-utils (apt-get install poppler-utils) to search inside papers.\n")
        #expect(try reader.ok(["search", "zymurgical"]).isEmpty)
        let doctor = try reader.run(["doctor"])
        #expect(doctor.status == 2)
        #expect(doctor.stdout.contains("Files           1 checked; 1 PDF texts not indexed: run `reader doctor --repair`"), "\(doctor.stdout)")
        try reader.ok(["doctor", "--repair"])
        #expect(try reader.ok(["search", "zymurgical"]).contains("p. 7"))
    }

    @Test func aPDFTheProgramCannotReadIsReportedForThatFileOnly() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        try reader.ok(["add", "--title", "Broken"])
        try reader.ok(["add", "--title", "Scanned"])
        let broken = try reader.run(["attach", "broken", repositoryRoot.appendingPathComponent("Tests/Fixtures/files/garbage.pdf").path])
        #expect(broken.status == 0)
        #expect(broken.stderr.hasPrefix("Could not read the text of the file of Broken: pdftotext: it failed (status 1)"), "\(broken.stderr)")
        let scanned = try reader.run(["attach", "scanned", repositoryRoot.appendingPathComponent("Tests/Fixtures/files/no-text.pdf").path])
        #expect(scanned.stderr.contains("found no text (scanned images only?)"), "\(scanned.stderr)")
        #expect(try reader.ok(["list", "has:file"]).split(separator: "\n").count == 2)
    }
}

/// What a PDF brings and what syncs of it.
@Suite("Papers from their PDFs, and attachments across machines", .serialized)
struct PaperFromPDFTests {
    @Test func addingAPDFLooksUpTheArXivIdPrintedInItAndAttachesTheFile() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let pdf = repositoryRoot.appendingPathComponent("Tests/Fixtures/files/with-arxiv-id.pdf").path
        let added = try reader.run(["add", pdf], environment: server.environment)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("Added "), "\(added.stdout)")
        #expect(added.stdout.contains("Attention Is All You Need (2017)"))
        #expect(added.stdout.hasSuffix("Attached with-arxiv-id.pdf (38.4 KiB)\n"), "\(added.stdout)")
        let shown = try #require(try reader.json(["show", "1706.03762"]) as? [String: Any])
        #expect((shown["authors"] as? [String])?.count == 8, "the metadata came from arXiv")
        #expect((shown["attachments"] as? [[String: Any]])?.first?["here"] as? Bool == true)
        #expect(server.requests.first?.hasPrefix("GET /api/query?id_list=1706.03762") == true, "\(server.requests)")

        // A PDF naming nothing: said, and nothing kept.
        let plain = repositoryRoot.appendingPathComponent("Tests/Fixtures/files/one-page.pdf").path
        let refused = try reader.run(["add", plain], environment: server.environment)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("found no arXiv id or DOI in the first pages of \(plain); add it with --title \"…\" (the file is then attached)"), "\(refused.stderr)")
        #expect(try reader.ok(["doctor"]).contains("Files           ok (1 checked)"), "the refused file was not left in the store")
        let titled = try reader.ok(["add", plain, "--title", "A Short Note on Fixtures"], environment: server.environment)
        #expect(titled.hasSuffix("Attached one-page.pdf (36.4 KiB)\n"))
        #expect(try reader.ok(["search", "quokkaesque"]).contains("A Short Note on Fixtures"))
    }

    @Test func anAttachmentSyncsAsARecordAndTheOtherMachineKnowsTheFileIsNotHere() throws {
        let server = try ServerProcess()
        _ = try server.admin(["library", "create", "lab"])
        let tokenA = try server.admin(["token", "create", "--library", "lab", "--device", "laptop"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let tokenB = try server.admin(["token", "create", "--library", "lab", "--device", "desktop"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try server.start()
        let a = try ReaderProcess(), b = try ReaderProcess()
        defer { a.remove(); b.remove() }
        try a.ok(["remote", "set", server.url("lab"), "--token", tokenA])
        try b.ok(["remote", "set", server.url("lab"), "--token", tokenB])
        try a.ok(["add", "--title", "Krylov Methods"])
        try a.ok(["attach", "krylov", PaperFilesTests.twoColumn])
        try a.ok(["sync"])
        try b.ok(["sync"])
        let shown = try #require(try b.json(["show", "krylov"]) as? [String: Any])
        let attachments = try #require(shown["attachments"] as? [[String: Any]])
        #expect(attachments.count == 1)
        #expect(attachments.first?["sha256"] as? String == (try PaperFilesTests.sha256(PaperFilesTests.twoColumn)))
        #expect(attachments.first?["here"] as? Bool == false)
        #expect(try b.ok(["show", "krylov"]).contains("two-column.pdf  PDF, 83 KiB, not on this machine (reader fetch)"))
        #expect(try b.ok(["list", "no:file"]).contains("Krylov Methods"))
        // The same bytes attached on B too: one record on both machines.
        try b.ok(["attach", "krylov", PaperFilesTests.twoColumn])
        try b.ok(["sync"])
        try a.ok(["sync"])
        for reader in [a, b] {
            let records = try #require(try reader.json(["show", "krylov"]) as? [String: Any])
            #expect((records["attachments"] as? [Any])?.count == 1)
        }
        // Purged on A: the record goes everywhere, and B's copy of the bytes with it.
        try a.ok(["purge", "--yes", "krylov"])
        try a.ok(["sync"])
        let pulled = try b.ok(["sync"])
        #expect(!pulled.isEmpty)
        try b.ok(["purge", "--files"])
        #expect(PaperFilesTests.storeFiles(b).filter { $0.hasPrefix("sha256/") }.isEmpty)
    }
}
