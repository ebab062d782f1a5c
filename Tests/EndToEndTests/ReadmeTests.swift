import Foundation
import Testing

/// Every example in the README, run as written by a shell: the opening session
/// with its exact output, every command of the code blocks and of the commands
/// table. A new example in the README is run here without a change to this file;
/// the few that need a sync server say which test runs them.
@Suite("The README's examples", .serialized)
struct ReadmeTests {
    static let readme: String = (try? String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// The commands of ```console blocks with the output shown after each.
    static func consoleSessions() -> [[(command: String, output: String)]] {
        var sessions: [[(String, String)]] = []
        var inConsole = false
        var session: [(String, String)] = []
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```console") { inConsole = true; session = []; continue }
            if inConsole, line.hasPrefix("```") { inConsole = false; sessions.append(session); continue }
            guard inConsole else { continue }
            if line.hasPrefix("$ ") {
                session.append((String(line.dropFirst(2)), ""))
            } else if !session.isEmpty {
                session[session.count - 1].1 += line + "\n"
            }
        }
        return sessions
    }

    /// The `reader …` lines of the ```sh blocks and the examples column of the
    /// commands table, in README order.
    static func commandExamples() -> [String] {
        var commands: [String] = []
        var inShell = false
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```sh") { inShell = true; continue }
            if inShell, line.hasPrefix("```") { inShell = false; continue }
            if inShell, line.hasPrefix("reader ") || line.hasPrefix("reader-server ") { commands.append(line) }
            // A row of the commands table: its last cell is the example.
            if line.hasPrefix("| `"), let last = line.split(separator: "|").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                let cell = last.trimmingCharacters(in: .whitespaces)
                if cell.hasPrefix("`reader "), cell.hasSuffix("`") { commands.append(String(cell.dropFirst().dropLast())) }
            }
        }
        return commands
    }

    /// Examples that need a running sync server (`SyncProcessTests` runs them) or
    /// serve until Ctrl-C (`ServeTests` runs them).
    static let runElsewhere: Set<String> = [
        "reader sync",
        "reader-server serve --db /srv/reader.sqlite --host 0.0.0.0 --port 8787",
        "reader serve --open",
        // Runs until Ctrl-C: WatchTests runs it against a live server.
        "reader sync --watch",
        // Need PostgreSQL: MigrateTests runs them against the tests' server.
        "reader-server migrate --from sqlite:/srv/reader.sqlite --to postgres://reader@db.lab:5432/reader",
        "reader-server serve --database postgres://reader@db.lab:5432/reader --files /srv/reader.sqlite.blobs --host 0.0.0.0 --port 8787",
    ]

    /// Runs `command` with `sh -c` in `folder`, with the built binaries first on PATH.
    static func shell(_ command: String, in folder: URL, environment: [String: String] = [:]) throws -> ReaderProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = ReaderProcess.binary.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["NO_COLOR"] = nil
        env["READER_ARXIV_API"] = "http://127.0.0.1:9/api/query"
        env["READER_CROSSREF_API"] = "http://127.0.0.1:9/works"
        env["READER_HF_API"] = "http://127.0.0.1:9/api/daily_papers"
        env["READER_HF_SEARCH"] = "http://127.0.0.1:9/api/papers/search"
        env["READER_ARXIV_PDF"] = "http://127.0.0.1:9/pdf"
        env["READER_TOKEN"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = folder
        let out = folder.appendingPathComponent("out-\(UUID().uuidString)"), err = folder.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        return ReaderProcess.Result(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                                    stderr: try String(contentsOf: err, encoding: .utf8))
    }

    @Test func theOpeningSessionPrintsExactlyWhatTheREADMEShows() throws {
        let sessions = Self.consoleSessions()
        #expect(!sessions.isEmpty && sessions[0].count >= 5, "the README's opening session was not found")
        for session in sessions {
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("reader-readme-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: home) }
            for (command, shown) in session {
                // The session runs from the repository, on the default library of a new HOME.
                let result = try Self.shell(command, in: repositoryRoot, environment: ["HOME": home.path, "XDG_DATA_HOME": "", "READER_LIBRARY": ""])
                #expect(result.status == 0, "\(command): \(result.stderr)")
                #expect(Self.sameExceptNoteIDs(result.stdout, shown), "\(command) printed:\n\(result.stdout)\nthe README shows:\n\(shown)")
            }
        }
    }

    /// Equal, but for the 8 hex digits after "Added note ", which are new each time.
    static func sameExceptNoteIDs(_ printed: String, _ shown: String) -> Bool {
        func masked(_ text: String) -> String {
            text.replacingOccurrences(of: #"Added note [0-9a-f]{8} "#, with: "Added note ######## ", options: .regularExpression)
        }
        return masked(printed) == masked(shown)
    }

    @Test func everyCommandExampleRunsAsWritten() throws {
        let examples = Self.commandExamples()
        #expect(examples.count >= 30, "the README's examples were not found (\(examples.count))")
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("reader-readme-\(UUID().uuidString)")
        let work = home.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: home.appendingPathComponent("backups"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        // What the examples refer to: the bundled papers, a BibTeX file, the server's folder.
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Tests/Fixtures/refs.bib"), to: work.appendingPathComponent("refs.bib"))
        // The file `attach` adds (the page-7 word of `search "in:text zymurgical"` is in it).
        try FileManager.default.createDirectory(at: home.appendingPathComponent("Downloads"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Tests/Fixtures/files/two-column.pdf"),
                                         to: home.appendingPathComponent("Downloads/krylov-annotated.pdf"))
        let environment = ["HOME": home.path, "READER_LIBRARY": work.appendingPathComponent("library.sqlite").path, "EDITOR": "true",
                           "READER_OPENER": "true"]
        #expect(try Self.shell("reader import \(repositoryRoot.appendingPathComponent(seedListing).path)", in: work, environment: environment).status == 0)

        var noteID: String?
        for example in examples where !Self.runElsewhere.contains(example) {
            var command = example
                .replacingOccurrences(of: "/srv/reader.sqlite", with: home.appendingPathComponent("server.sqlite").path)
                .replacingOccurrences(of: "rdr_…", with: "rdr_example")
            // A note's id as the README shows it: the note this run made.
            if command.contains("3f9c2a1b") {
                let id = try #require(noteID, "no note was added before \(example)")
                command = command.replacingOccurrences(of: "3f9c2a1b", with: id)
            }
            let result = try Self.shell(command, in: work, environment: environment)
            switch example {
            case "reader fetch":
                // No network in tests, and the bundled papers have no identifiers: every
                // queued paper fails with its reason, in the summary.
                #expect(result.stdout.hasPrefix("Fetched 0 (0 B), already here ") || result.stdout.hasPrefix("Nothing to fetch"), "\(example): \(result.stdout)\(result.stderr)")
                #expect(result.status == 0 || result.stdout.contains("no source for a PDF"), "\(example): \(result.stdout)")
            case "reader search \"in:text zymurgical\"":
                #expect(result.status == 0 && result.stdout.contains("p. 7:"), "\(example): \(result.stdout)\(result.stderr)")
            case "reader refresh":
                // No network in tests: the paper stays marked, and the command says why.
                #expect(result.stdout.contains("could not") || result.stderr.contains("reach") || result.stderr.contains("could not"), "\(example): \(result.stdout)\(result.stderr)")
            default:
                #expect(result.status == 0, "\(example) failed (\(result.status)): \(result.stderr)")
            }
            if example.hasPrefix("reader note add"), let id = result.stdout.split(separator: " ").dropFirst(2).first {
                noteID = String(id)
            }
        }
    }
}
