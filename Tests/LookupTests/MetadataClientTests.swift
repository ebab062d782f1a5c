import Foundation
import Interchange
import Lookup
import Model
import Storage
import Testing
import TestSupport

/// The metadata client in process, against the recorded responses served on
/// 127.0.0.1 (`Tests/Fixtures/http/serve.py`).
@Suite("Metadata client against recorded responses")
struct MetadataClientTests {
    static func client(_ server: FixtureServer, _ temporary: TemporaryLibrary, interval: String = "0.2") throws -> MetadataClient {
        var environment = server.environment
        environment["READER_ARXIV_INTERVAL"] = interval
        return MetadataClient(services: try MetadataServices.fromEnvironment(environment, version: "9.9.9"), library: temporary.library)
    }

    @Test func anArXivIdGivesThePaperWithEveryField() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let draft = try #require(try await Self.client(server, temporary).lookup(arxiv: ArXivID("1706.03762"), doi: nil))
        #expect(draft.title == "Attention Is All You Need")
        #expect(draft.authors.count == 8)
        #expect(draft.arxiv?.version == 7)
        #expect(draft.categories == ["cs.CL", "cs.LG"])
        #expect(draft.comment == "15 pages, 5 figures")
        #expect(server.requests.count == 1)
        #expect(server.requests.first?.hasSuffix("reader/9.9.9 (local-first reading list for papers)") == true, "\(server.requests)")
    }

    @Test func severalArXivIdsAreOneRequest() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let drafts = try await Self.client(server, temporary).arxiv([ArXivID("1706.03762")!, ArXivID("2405.21060")!])
        #expect(drafts.compactMap(\.arxiv?.id).sorted() == ["1706.03762", "2405.21060"])
        #expect(server.requests.count == 1)
    }

    @Test func anArXivDOIIsAskedOfArXivAndOtherDOIsOfCrossref() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let client = try Self.client(server, temporary, interval: "0")
        let viaArXiv = try await client.lookup(arxiv: nil, doi: DOI("10.48550/arXiv.1706.03762"))
        #expect(viaArXiv?.title == "Attention Is All You Need")
        let viaCrossref = try await client.lookup(arxiv: nil, doi: DOI("10.1145/3442188.3445922"))
        #expect(viaCrossref?.title.hasPrefix("On the Dangers of Stochastic Parrots") == true)
        #expect(server.requests.count == 2, "\(server.requests)")
        #expect(server.requests.first?.hasPrefix("GET /api/query?id_list=1706.03762") == true)
        #expect(server.requests.last?.hasPrefix("GET /works/10.1145") == true)
    }

    @Test func unknownPapersAreNotFoundNamingTheService() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let client = try Self.client(server, temporary, interval: "0")
        await #expect(throws: LookupError.self) { try await client.crossref(DOI("10.9999/none")!) }
        do {
            _ = try await client.crossref(DOI("10.9999/none")!)
        } catch {
            guard case .notFound(let service, let identifier, _) = error else { Issue.record("\(error)"); return }
            #expect(service == "Crossref" && identifier == "10.9999/none")
        }
        do {
            _ = try await client.arxiv([ArXivID("2401.99999")!])
            Issue.record("an arXiv error feed is not a paper")
        } catch {
            guard case .notFound(let service, _, _) = error else { Issue.record("\(error)"); return }
            #expect(service == "arXiv")
        }
    }

    @Test func aServiceThatIsDownIsUnreachable() async throws {
        let temporary = try TemporaryLibrary()
        // Port 9 (discard): nothing listens there on a test machine.
        let server = try FixtureServer()
        var environment = server.environment
        environment["READER_CROSSREF_API"] = "http://127.0.0.1:9/works"
        environment["READER_HTTP_TIMEOUT"] = "5"
        let client = MetadataClient(services: try MetadataServices.fromEnvironment(environment, version: "1"), library: temporary.library)
        do {
            _ = try await client.crossref(DOI("10.1145/3442188.3445922")!)
            Issue.record("nothing listens on port 9")
        } catch {
            guard case .unreachable(let service, _) = error else { Issue.record("\(error)"); return }
            #expect(service.hasPrefix("Crossref (127.0.0.1)"))
        }
    }

    @Test func arXivRequestsArePacedThroughTheLibrary() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let started = ContinuousClock.now
        _ = try await Self.client(server, temporary, interval: "3000").arxiv([ArXivID("1706.03762")!])
        // Any process on this library now has to wait before asking arXiv again: the
        // whole interval, less the time the first request took (long on a loaded machine).
        let wait = try temporary.library.reserveRequestSlot(for: "arxiv", every: .seconds(3000))
        let elapsed = ContinuousClock.now - started
        #expect(wait > .seconds(3000) - elapsed - .seconds(1), "the next request waits for the slot the first one reserved (\(elapsed) after it)")
    }

    @Test func theDailyPapersOfADayAreFetched() async throws {
        let server = try FixtureServer()
        let temporary = try TemporaryLibrary()
        let data = try await Self.client(server, temporary).dailyPapers(on: "2024-05-31")
        #expect(try DailyPapers.parse(data, file: "daily.json").count == 2)
        #expect(server.requests.first?.hasPrefix("GET /api/daily_papers?date=2024-05-31") == true)
    }

    @Test func badSettingsNameTheVariable() {
        #expect(throws: MetadataServices.SettingError.self) { try MetadataServices.fromEnvironment(["READER_ARXIV_API": "ftp://x"], version: "1") }
        do {
            _ = try MetadataServices.fromEnvironment(["READER_HTTP_TIMEOUT": "soon"], version: "1")
        } catch {
            #expect(error.description == "READER_HTTP_TIMEOUT='soon' is not a number of seconds")
        }
    }
}
