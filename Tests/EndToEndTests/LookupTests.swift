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

/// Papers without identifiers found on arXiv by their title, against the recorded
/// search answers (`Tests/Fixtures/http/arxiv-search-*.xml`).
@Suite("Papers found by title", .serialized)
struct TitleLookupProcessTests {
    @Test func refreshFindsTheListingsPapersByTitleReportsNearMissesAndKeepsUserFields() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        var env = server.environment
        env["READER_ARXIV_INTERVAL"] = "0"
        try reader.ok(["import", seedListing])
        try reader.ok(["tag", "krylov subspace", "+pde"])
        try reader.ok(["start", "krylov subspace"])
        let result = try reader.run(["refresh"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Refreshed 2 papers; 94 failed; 0 still waiting for metadata.", "\(result.stdout)")
        #expect(lines.contains("  found by title: Accelerating Data Generation for Neural Operators via Krylov Subspace Recycling is arXiv 2401.09516v2"))
        #expect(lines.contains("  found by title: Solving High Frequency and Multi-Scale PDEs with Gaussian Processes is arXiv 2311.04465"), "found on Hugging Face: \(result.stdout)")
        #expect(lines.contains("  near miss, not merged: Spectral-Refiner: Fine-Tuning of Accurate Spatiotemporal Neural Operator for Turbulent Flows"))
        #expect(lines.contains { $0.hasPrefix("    arXiv 2405.17211v1 \"Spectral-Refiner") && $0.contains("(title 1.00, abstract 0.") }, "\(result.stdout)")
        #expect(result.stderr.contains("MathFusion: Enhancing Mathematic Problem-solving of LLM through Instruction Fusion: arXiv has no paper with this title"))

        let krylov = try #require(try reader.json(["show", "krylov subspace"]) as? [String: Any])
        #expect(krylov["arxiv_id"] as? String == "2401.09516")
        #expect((krylov["authors"] as? [String])?.first == "Hong Wang")
        #expect(krylov["categories"] as? [String] == ["cs.LG"])
        #expect(krylov["status"] as? String == "reading", "the user's fields stay")
        #expect(krylov["tags"] as? [String] == ["pde"])
        let refiner = try #require(try reader.json(["show", "spectral-refiner"]) as? [String: Any])
        #expect(refiner["arxiv_id"] is NSNull, "a near miss is never merged")

        // Asked once: a second refresh has nothing to look up.
        #expect(try reader.ok(["refresh"], environment: env) == "Nothing to refresh.\n")
        // And the paper's PDF can now be fetched from arXiv.
        #expect(try reader.ok(["fetch", "krylov subspace"], environment: env).hasPrefix("Fetched 1 (83 KiB)"))
    }

    @Test func twoPapersWithTheSameTitleGetTheirOwnArXivIds() throws {
        let server = try FixtureServer()
        let reader = try ReaderProcess()
        defer { reader.remove() }
        var env = server.environment
        env["READER_ARXIV_INTERVAL"] = "0"
        let transformer = "The dominant sequence transduction models are based on complex recurrent or convolutional neural networks in an encoder-decoder configuration. The best performing models also connect the encoder and decoder through an attention mechanism. We propose a new simple network architecture, the Transformer, based solely on attention mechanisms, dispensing with recurrence and convolutions entirely."
        let namesake = "In recommender systems, the attention of users is the scarce resource; we model how feeds compete for it and show that ranking by predicted dwell time wastes most of it, with a field study of two million sessions."
        try reader.ok(["add", "--title", "Attention Is All You Need", "--author", "Ashish Vaswani", "--abstract", transformer])
        try reader.ok(["add", "--title", "Attention Is All You Need", "--author", "A. Namesake", "--abstract", namesake])
        let ids = try #require(try reader.json(["list"]) as? [[String: Any]]).compactMap { $0["id"] as? String }
        #expect(ids.count == 2)
        try reader.ok(["refresh"] + ids.map { String($0.prefix(8)) }, environment: env)
        let papers = try #require(try reader.json(["list"]) as? [[String: Any]])
        let byAuthor = Dictionary(uniqueKeysWithValues: papers.map { (($0["authors"] as? [String])?.first ?? "", $0["arxiv_id"] as? String) })
        #expect(byAuthor["Ashish Vaswani"] == "1706.03762")
        #expect(byAuthor["A. Namesake"] == "2407.00001")
        // A title that matches nothing says so, and fetch says it too.
        try reader.ok(["add", "--title", "A Title No Paper Has", "--abstract", "Nothing at all."])
        let missing = try reader.run(["fetch", "a title no paper has"], environment: env)
        #expect(missing.stdout.contains("failed: A Title No Paper Has: arXiv has no paper with this title"), "\(missing.stdout)")
    }
}
