import Foundation
import Testing
import TestSupport

@Suite("Metadata lookup against recorded responses")
struct LookupTests {
    @Test func addingByArXivIdOrDOIFetchesTheMetadataPolitely() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let env = server.environment
        let arxiv = try reader.run(["add", "arxiv:1706.03762", "--json"], environment: env)
        #expect(arxiv.status == 0, "\(arxiv.stderr)")
        let paper = try #require(try JSONSerialization.jsonObject(with: Data(arxiv.stdout.utf8)) as? [String: Any])
        #expect(paper["title"] as? String == "Attention Is All You Need")
        #expect((paper["authors"] as? [String])?.count == 8)
        #expect(paper["arxiv_version"] as? Int == 7)
        #expect(paper["categories"] as? [String] == ["cs.CL", "cs.LG"])
        #expect(paper["pdf_url"] as? String == "http://arxiv.org/pdf/1706.03762v7")
        #expect(paper["cite_key"] is NSNull, "a generated key is fixed at the first export")
        #expect(paper["provisional_cite_key"] as? String == "vaswani2017attention")
        #expect(paper["comment"] as? String == "15 pages, 5 figures")

        let doi = try reader.run(["add", "https://doi.org/10.1145/3442188.3445922"], environment: env)
        #expect(doi.status == 0, "\(doi.stderr)")
        #expect(doi.stdout.contains("On the Dangers of Stochastic Parrots"))
        let shown = try reader.ok(["show", "10.1145/3442188.3445922"])
        #expect(shown.contains("Emily M. Bender, Timnit Gebru"))
        #expect(shown.contains("The past 3 years of work in NLP") && !shown.contains("jats"))

        // A paper already complete is not fetched again.
        try reader.ok(["add", "1706.03762"], environment: env)
        let requests = server.requests
        #expect(requests.count == 2, "\(requests)")
        #expect(requests.allSatisfy { $0.contains("reader/") }, "a User-Agent names reader")
        #expect(requests.first?.hasPrefix("GET /api/query?id_list=1706.03762") == true)
    }

    @Test func aPaperTheServiceDoesNotKnowIsRefusedAndNothingIsStored() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        let doi = try reader.run(["add", "10.1234/no-such-work"], environment: server.environment)
        #expect(doi.status == 1)
        #expect(doi.stderr == "Error: Crossref has no paper 10.1234/no-such-work: no work has this DOI\n")
        let arxiv = try reader.run(["add", "2405.99999"], environment: server.environment)
        #expect(arxiv.status == 1)
        #expect(arxiv.stderr.hasPrefix("Error: arXiv has no paper 2405.99999: arXiv answered with an error: incorrect id format"))
        #expect(try reader.ok(["list"]).isEmpty)
    }

    @Test func offlineThePaperIsKeptAndRefreshCompletesItLater() throws {
        let reader = try ReaderProcess()
        defer { reader.remove() }
        // No server: the lookup cannot reach arXiv.
        let offline = try reader.run(["add", "2405.21060", "--tag", "ssm"])
        #expect(offline.status == 0)
        #expect(offline.stderr.contains("Could not reach arXiv (127.0.0.1)"))
        #expect(offline.stderr.contains("Run `reader refresh` to complete it."))
        let failed = try reader.run(["refresh"])
        #expect(failed.status == 1, "still offline")
        #expect(failed.stderr.contains("nothing else was changed. Run `reader refresh` again when online"))

        let server = try FixtureServer()
        try reader.ok(["add", "1706.03762", "--offline"])
        #expect(try reader.ok(["refresh"], environment: server.environment) == "Refreshed 2 papers; 0 failed; 0 still waiting for metadata.\n")
        #expect(server.requests.count == 1, "both ids in one arXiv request: \(server.requests)")
        let shown = try reader.ok(["show", "2405.21060"])
        #expect(shown.contains("Transformers are SSMs"))
        #expect(shown.contains("tags      ssm"), "user data kept")
        #expect(try reader.ok(["refresh"], environment: server.environment) == "Nothing to refresh.\n")
    }

    @Test func aServiceThatDoesNotAnswerInTimeCountsAsUnreachable() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        var env = server.environment
        env["READER_ARXIV_API"] = "http://127.0.0.1:\(server.port)/slow"
        env["READER_HTTP_TIMEOUT"] = "1"
        let slow = try reader.run(["add", "2405.21060"], environment: env)
        #expect(slow.status == 0)
        #expect(slow.stderr.contains("Could not reach arXiv (127.0.0.1)"), "\(slow.stderr)")
        #expect(try reader.ok(["refresh"], environment: server.environment) == "Refreshed 1 paper; 0 failed; 0 still waiting for metadata.\n")
    }

    @Test func theHuggingFaceDailyPapersOfADayAreImported() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        #expect(try reader.ok(["import", "--hf-daily", "2024-05-31"], environment: server.environment)
            == "Imported 2 papers from huggingface-daily-papers-2024-05-31.json: 2 added, 0 merged, 0 already there, 0 failed.\n")
        #expect(server.requests.first?.hasPrefix("GET /api/daily_papers?date=2024-05-31") == true)
        let bad = try reader.run(["import", "--hf-daily", "31/05/2024"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--hf-daily '31/05/2024' is not a date such as 2024-05-31"))
        let offline = try reader.run(["import", "--hf-daily", "2024-05-31"])
        #expect(offline.status == 1)
        #expect(offline.stderr.hasPrefix("Error: could not reach Hugging Face (127.0.0.1)"))
        #expect(offline.stderr.hasSuffix("; nothing was imported\n"))
    }
}
