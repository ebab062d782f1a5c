import Foundation
import HTTP
import Interchange
import Model
import Storage

/// Fetches paper metadata over HTTPS: the arXiv API (paced to one
/// request every 3 seconds across every `reader` process on the library),
/// Crossref and the Hugging Face daily papers list.
///
/// ```swift
/// let client = MetadataClient(services: try .fromEnvironment(version: "0.1.0"), library: library)
/// let draft = try await client.lookup(arxiv: ArXivID("1706.03762"), doi: nil)
/// ```
public struct MetadataClient: Sendable {
    /// Where each service is.
    public let services: MetadataServices
    /// The library whose pacing the arXiv requests share with every other process.
    public let library: Library

    /// Creates a client.
    public init(services: MetadataServices, library: Library) {
        self.services = services; self.library = library
    }

    /// Waits for this process's turn to send arXiv a request: at most one every
    /// `READER_ARXIV_INTERVAL` seconds (3 by default, as arXiv asks), across every
    /// `reader` process on the library. Every arXiv request waits here: lookups by
    /// id and by title, and PDF downloads.
    public func waitForArXiv() async throws(LookupError) {
        let wait: Duration
        do {
            wait = try library.reserveRequestSlot(for: "arxiv", every: services.arxivInterval)
        } catch {
            throw .badResponse(service: "arXiv", reason: "the library could not pace the request: \(error)")
        }
        if wait > .zero { try? await Task.sleep(for: wait) }
    }

    /// The papers with these arXiv ids, in one request of at most 100 ids.
    public func arxiv(_ ids: [ArXivID]) async throws(LookupError) -> [PaperDraft] {
        guard let url = Self.url(services.arxiv, adding: [
            URLQueryItem(name: "id_list", value: ids.map(\.description).joined(separator: ",")),
            URLQueryItem(name: "max_results", value: String(ids.count)),
        ]) else { throw .badResponse(service: "arXiv", reason: "cannot form a query URL") }
        try await waitForArXiv()
        let (status, data) = try await get(url, service: "arXiv")
        guard status == 200 else { throw .badResponse(service: "arXiv", reason: "HTTP \(status)") }
        var errors: [ImportError] = []
        let drafts: [PaperDraft]
        do {
            drafts = try ArXivAtom.parse(String(decoding: data, as: UTF8.self), file: url.absoluteString, skipping: { errors.append($0) })
        } catch {
            throw .badResponse(service: "arXiv", reason: error.reason)
        }
        if drafts.isEmpty, let error = errors.first {
            throw .notFound(service: "arXiv", identifier: ids.map(\.description).joined(separator: ", "), reason: error.reason)
        }
        return drafts
    }

    /// The papers arXiv finds for a title (its words, in its title field), best first:
    /// candidates for ``TitleLookup`` to judge, paced like every arXiv request.
    public func arxiv(title: String, maxResults: Int = 10) async throws(LookupError) -> [PaperDraft] {
        // Quotes and field syntax in the title would change the query: only its words go in.
        let words = TextNormalization.matchKey(title).split(separator: " ").prefix(30)
        guard !words.isEmpty else { return [] }
        guard let url = Self.url(services.arxiv, adding: [
            URLQueryItem(name: "search_query", value: "ti:\"" + words.joined(separator: " ") + "\""),
            URLQueryItem(name: "max_results", value: String(maxResults)),
        ]) else { throw .badResponse(service: "arXiv", reason: "cannot form a query URL") }
        try await waitForArXiv()
        let (status, data) = try await get(url, service: "arXiv")
        guard status == 200 else { throw .badResponse(service: "arXiv", reason: "HTTP \(status)") }
        do {
            return try ArXivAtom.parse(String(decoding: data, as: UTF8.self), file: url.absoluteString, skipping: { _ in })
        } catch {
            throw .badResponse(service: "arXiv", reason: error.reason)
        }
    }

    /// The papers Hugging Face's papers search finds for a title: more candidates
    /// for ``TitleLookup`` (its answers have the daily papers list's shape).
    public func huggingFace(title: String) async throws(LookupError) -> [PaperDraft] {
        guard let url = Self.url(services.huggingFaceSearch, adding: [URLQueryItem(name: "q", value: title)]) else {
            throw .badResponse(service: "Hugging Face", reason: "cannot form a query URL")
        }
        let (status, data) = try await get(url, service: "Hugging Face")
        guard status == 200 else { throw .badResponse(service: "Hugging Face", reason: "HTTP \(status)") }
        do {
            return try DailyPapers.parse(data, file: url.absoluteString, skipping: { _ in })
        } catch {
            throw .badResponse(service: "Hugging Face", reason: error.reason)
        }
    }

    /// The work with this DOI.
    public func crossref(_ doi: DOI) async throws(LookupError) -> PaperDraft {
        let escaped = doi.value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#"))) ?? doi.value
        guard let url = URL(string: services.crossref.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/" + escaped) else {
            throw .badResponse(service: "Crossref", reason: "cannot form a URL for \(doi.value)")
        }
        let (status, data) = try await get(url, service: "Crossref")
        if status == 404 { throw .notFound(service: "Crossref", identifier: doi.value, reason: "no work has this DOI") }
        guard status == 200 else { throw .badResponse(service: "Crossref", reason: "HTTP \(status)") }
        do {
            return try CrossrefWork.parse(data, file: url.absoluteString)
        } catch {
            throw .badResponse(service: "Crossref", reason: error.reason)
        }
    }

    /// The Hugging Face daily papers list of a day (`2024-05-31`), as JSON.
    public func dailyPapers(on date: String) async throws(LookupError) -> Data {
        guard let url = Self.url(services.huggingFace, adding: [URLQueryItem(name: "date", value: date)]) else { throw .badResponse(service: "Hugging Face", reason: "cannot form a query URL") }
        let (status, data) = try await get(url, service: "Hugging Face")
        guard status == 200 else { throw .badResponse(service: "Hugging Face", reason: "HTTP \(status)") }
        return data
    }

    /// Metadata for a paper known by an arXiv id or a DOI (arXiv first).
    public func lookup(arxiv: ArXivID?, doi: DOI?) async throws(LookupError) -> PaperDraft? {
        if let arxiv {
            return try await self.arxiv([arxiv]).first
        }
        if let doi {
            if doi.value.hasPrefix("10.48550/arxiv."), let id = ArXivID(String(doi.value.dropFirst("10.48550/arxiv.".count))) {
                return try await self.arxiv([id]).first
            }
            return try await crossref(doi)
        }
        return nil
    }

    /// `base` with more query items.
    static func url(_ base: URL, adding items: [URLQueryItem]) -> URL? {
        guard var components = URLComponents(url: base, resolvingAgainstBaseURL: false) else { return nil }
        components.queryItems = (components.queryItems ?? []) + items
        return components.url
    }

    /// One GET: the status and body, or `unreachable` when no answer came.
    private func get(_ url: URL, service: String) async throws(LookupError) -> (Int, Data) {
        let request = HTTPRequest(url: url, headers: [("User-Agent", services.userAgent), ("Accept", "*/*")], timeout: services.timeout, totalTimeout: services.timeout * 2)
        do {
            let response = try await HTTPClient.send(request)
            return (response.status, response.body)
        } catch {
            throw .unreachable(service: "\(service) (\(url.host ?? url.absoluteString))", reason: error.description)
        }
    }
}
