import Foundation
import Lookup
import Model
import Storage
import Testing
import TestSupport

/// Fetching papers' files in process, against the PDFs and the hostile answers of
/// the fixture server on 127.0.0.1 (`Tests/Fixtures/http/serve.py`).
@Suite("Fetching papers' files")
struct PaperFetcherTests {
    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/files/\(name)"))
    }

    static func hash(_ name: String) throws -> FileHash {
        FileHash(of: [UInt8](try fixture(name)))
    }

    static func fetcher(_ server: FixtureServer, _ temporary: TemporaryLibrary, timeout: String = "20", maxSize: Int64 = 200 << 20) throws -> PaperFetcher {
        var environment = server.environment
        environment["READER_ARXIV_INTERVAL"] = "0"
        environment["READER_HTTP_TIMEOUT"] = timeout
        let client = MetadataClient(services: try MetadataServices.fromEnvironment(environment, version: "9.9.9"), library: temporary.library)
        return PaperFetcher(files: PaperFiles(library: temporary.library), client: client, maxSize: maxSize)
    }

    /// A paper whose PDF link is `path` on the server.
    static func paper(_ temporary: TemporaryLibrary, linking path: String, server: FixtureServer, title: String = "A Paper With A Link") throws -> Paper {
        var draft = PaperDraft(title: title, authors: ["A. Tester"])
        draft.pdfURL = server.url(path).absoluteString
        let outcome = try temporary.library.add(draft)
        return try #require(try temporary.library.paper(outcome.paperID))
    }

    /// Files in the store and downloads in progress.
    static func storeContents(_ temporary: TemporaryLibrary) -> (stored: [FileHash], partial: [String]) {
        let store = temporary.library.files
        let partial = (try? FileManager.default.contentsOfDirectory(atPath: store.partialFolder.path)) ?? []
        return (store.inventory().files.keys.sorted(), partial)
    }

    static func failure(_ outcome: PaperFetcher.Outcome) -> String? {
        if case .failed(let reason) = outcome { return reason }
        return nil
    }

    @Test func anArXivPaperIsFetchedStoredUnderItsHashRecordedAndSearchableByPage() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        var draft = PaperDraft(title: "Krylov Methods for Two-Column Reading Order", authors: ["A. Tester"])
        draft.arxiv = ArXivID("2405.21060v2")
        let paper = try #require(try temporary.library.paper(try temporary.library.add(draft).paperID))
        let outcome = try await Self.fetcher(server, temporary).fetch(paper)
        guard case .fetched(let attachment, let stored, let text) = outcome else { Issue.record("\(outcome)"); return }
        #expect(stored.hash == (try Self.hash("two-column.pdf")))
        #expect(attachment.sha256 == stored.hash && attachment.kind == .pdf && attachment.paperID == paper.id)
        #expect(attachment.sourceURL == server.url("/arxiv-pdf/2405.21060v2").absoluteString, "the stored version is asked for")
        #expect(text == .indexed(pages: 8))
        #expect(try Data(contentsOf: temporary.library.files.path(of: stored.hash)) == (try Self.fixture("two-column.pdf")))
        #expect(Self.storeContents(temporary).partial.isEmpty)
        let hits = try temporary.library.search("zymurgical")
        #expect(hits.map(\.paper.id) == [paper.id])
        #expect(hits.first?.page == 7)
        // Again: nothing is downloaded.
        let again = try await Self.fetcher(server, temporary).fetch(paper)
        guard case .alreadyHere = again else { Issue.record("\(again)"); return }
        #expect(server.requests.filter { $0.contains("/arxiv-pdf/") }.count == 1, "\(server.requests)")
    }

    @Test func aLoginPageInsteadOfAPDFIsAnErrorNamingTheURLAndNothingIsStored() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let paper = try Self.paper(temporary, linking: "/hostile/html/paper.pdf", server: server)
        let reason = Self.failure(try await Self.fetcher(server, temporary).fetch(paper))
        #expect(reason == server.url("/hostile/html/paper.pdf").absoluteString + ": the server sent a web page (text/html) instead of a PDF: perhaps a login or captcha page")
        #expect(Self.storeContents(temporary).stored.isEmpty && Self.storeContents(temporary).partial.isEmpty)
        #expect(try temporary.library.attachments(of: paper.id).isEmpty)
    }

    @Test(arguments: [("/hostile/404/paper.pdf", "the server answered HTTP 404"), ("/hostile/500/paper.pdf", "the server answered HTTP 500"),
                      ("/hostile/loop", "the server redirected too many times (a redirect loop)"),
                      ("/hostile/short-length/two-column.pdf", "the PDF is incomplete (it has no end-of-file marker): the server sent 81.1 KiB")])
    func aFailedAnswerIsAnErrorAndNothingIsStored(path: String, reason: String) async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let paper = try Self.paper(temporary, linking: path, server: server)
        #expect(Self.failure(try await Self.fetcher(server, temporary).fetch(paper)) == server.url(path).absoluteString + ": " + reason)
        #expect(Self.storeContents(temporary).stored.isEmpty)
        #expect(try temporary.library.attachments(of: paper.id).isEmpty)
    }

    @Test func aFileOverTheLimitIsRefusedFromItsDeclaredSize() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let paper = try Self.paper(temporary, linking: "/hostile/huge", server: server)
        let reason = Self.failure(try await Self.fetcher(server, temporary).fetch(paper))
        #expect(reason == server.url("/hostile/huge").absoluteString + ": the file is larger than the limit of 200 MiB (--max-size)")
        #expect(Self.storeContents(temporary).stored.isEmpty && Self.storeContents(temporary).partial.isEmpty)
        // Without a declared size, the bytes themselves are counted.
        let small = try Self.paper(temporary, linking: "/pdf/two-column.pdf", server: server, title: "Another")
        let capped = Self.failure(try await Self.fetcher(server, temporary, maxSize: 50_000).fetch(small))
        #expect(capped?.hasSuffix("the file is larger than the limit of 48.8 KiB (--max-size)") == true, "\(capped ?? "fetched")")
    }

    @Test func aDownloadCutHalfwayResumesWithARangeAndTheHashMatches() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let paper = try Self.paper(temporary, linking: "/hostile/cut/two-column.pdf", server: server)
        let first = Self.failure(try await Self.fetcher(server, temporary).fetch(paper))
        #expect(first?.contains("the connection was cut; `reader fetch` again resumes it") == true, "\(first ?? "fetched")")
        let partial = Self.storeContents(temporary).partial
        #expect(partial.count == 1)
        let half = (try Self.fixture("two-column.pdf")).count / 2
        let kept = try FileManager.default.attributesOfItem(atPath: temporary.library.files.partialFolder.appendingPathComponent(partial[0]).path)[.size] as? Int
        #expect(kept == half)
        let second = try await Self.fetcher(server, temporary).fetch(paper)
        guard case .fetched(_, let stored, _) = second else { Issue.record("\(second)"); return }
        #expect(stored.hash == (try Self.hash("two-column.pdf")))
        #expect(server.requests.last?.hasSuffix("range=bytes=\(half)-") == true, "\(server.requests)")
        #expect(Self.storeContents(temporary).partial.isEmpty)
    }

    @Test func aServerThatIgnoresRangeSendsTheWholeFileAndTheDownloadStartsAgainCleanly() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let paper = try Self.paper(temporary, linking: "/hostile/cut-norange/two-column.pdf", server: server)
        #expect(Self.failure(try await Self.fetcher(server, temporary).fetch(paper)) != nil)
        let second = try await Self.fetcher(server, temporary).fetch(paper)
        guard case .fetched(_, let stored, _) = second else { Issue.record("\(second)"); return }
        #expect(server.requests.last?.contains("range=bytes=") == true, "a range was asked for")
        #expect(stored.hash == (try Self.hash("two-column.pdf")), "the half kept is replaced, not appended to")
    }

    @Test func aServerThatStallsTimesOutAndKeepsWhatArrived() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let paper = try Self.paper(temporary, linking: "/hostile/stall/two-column.pdf", server: server)
        // How soon it stops is checked on the real process (`PaperFilesTests`): here the
        // test's own task may wait for a thread of a pool other tests keep busy.
        let reason = Self.failure(try await Self.fetcher(server, temporary, timeout: "1").fetch(paper))
        #expect(reason?.contains("the request timed out") == true, "\(reason ?? "fetched")")
        #expect(Self.storeContents(temporary).stored.isEmpty)
    }

    @Test func aFileAnAttachmentNamesMustHaveItsHash() async throws {
        let server = try FixtureServer()
        let source = try TemporaryLibrary()
        // Another machine attached one-page.pdf from a URL that now serves another file.
        let paper = try Self.paper(source, linking: "/pdf/one-page.pdf", server: server)
        let fetched = try await Self.fetcher(server, source).fetch(paper)
        guard case .fetched(let attachment, _, _) = fetched else { Issue.record("\(fetched)"); return }
        let target = try TemporaryLibrary()
        var records: [SyncRecord] = []
        try source.library.forEachRecord { records.append($0) }
        _ = try target.library.restore(records.map { record in
            var record = record
            if record.entity == .attachment, let hlc = record.fields["source_url"]?.hlc {
                record.fields["source_url"] = Stamped(.string(server.url("/pdf/two-column.pdf").absoluteString), at: hlc)
            }
            return BackupItem.record(record)
        })
        // The record's source now gives other bytes: refused; the paper's own link gives the right ones.
        let targetPaper = try #require(try target.library.paper(paper.id))
        let outcome = try await Self.fetcher(server, target).fetch(targetPaper)
        guard case .fetched(let stored, _, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(stored.sha256 == attachment.sha256)
        #expect(!target.library.files.contains(try Self.hash("two-column.pdf")), "the file with the wrong hash was not kept")
        #expect(server.requests.filter { $0.contains("/pdf/two-column.pdf") }.count == 1, "\(server.requests)")
        // With no other source, the mismatch is the failure.
        let bare = try TemporaryLibrary()
        _ = try bare.library.restore(records.filter { $0.entity != .paper || true }.map { record in
            var record = record
            if record.entity == .attachment, let hlc = record.fields["source_url"]?.hlc {
                record.fields["source_url"] = Stamped(.string(server.url("/pdf/two-column.pdf").absoluteString), at: hlc)
            }
            if record.entity == .paper, let hlc = record.fields["pdf_url"]?.hlc {
                record.fields["pdf_url"] = Stamped(.null, at: hlc)
            }
            return BackupItem.record(record)
        })
        let reason = Self.failure(try await Self.fetcher(server, bare).fetch(try #require(try bare.library.paper(paper.id))))
        #expect(reason == server.url("/pdf/two-column.pdf").absoluteString
            + ": the file's SHA-256 is \(try Self.hash("two-column.pdf").short)…, not the \(attachment.sha256.short)… its attachment names"
            + "; arXiv has no paper with this title")
    }
}
