import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Interchange
import Model
import Storage

/// Why a lookup did not give metadata.
enum LookupError: Error, CustomStringConvertible {
    /// The service could not be reached (no network, DNS, refused, timed out):
    /// worth trying again later.
    case unreachable(service: String, reason: String)
    /// The service answered that it has no such paper.
    case notFound(service: String, identifier: String, reason: String)
    /// The service answered something reader cannot read.
    case badResponse(service: String, reason: String)

    var description: String {
        switch self {
        case .unreachable(let service, let reason): "could not reach \(service): \(reason)"
        case .notFound(let service, let identifier, let reason): "\(service) has no paper \(identifier): \(reason)"
        case .badResponse(let service, let reason): "\(service) answered something reader cannot read: \(reason)"
        }
    }
}

/// Fetches paper metadata over HTTPS with URLSession: the arXiv API (paced to one
/// request every 3 seconds across every `reader` process on the library),
/// Crossref and the Hugging Face daily papers list.
struct MetadataClient {
    let services: MetadataServices
    let library: Library

    /// The papers with these arXiv ids, in one request of at most 100 ids.
    func arxiv(_ ids: [ArXivID]) throws(LookupError) -> [PaperDraft] {
        guard let url = Self.url(services.arxiv, adding: [
            URLQueryItem(name: "id_list", value: ids.map(\.description).joined(separator: ",")),
            URLQueryItem(name: "max_results", value: String(ids.count)),
        ]) else { throw .badResponse(service: "arXiv", reason: "cannot form a query URL") }
        do {
            let wait = try library.reserveRequestSlot(for: "arxiv", every: services.arxivInterval)
            if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18) }
        } catch {
            throw .badResponse(service: "arXiv", reason: "the library could not pace the request: \(error)")
        }
        let (status, data) = try get(url, service: "arXiv")
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

    /// The work with this DOI.
    func crossref(_ doi: DOI) throws(LookupError) -> PaperDraft {
        let escaped = doi.value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#"))) ?? doi.value
        guard let url = URL(string: services.crossref.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/" + escaped) else {
            throw .badResponse(service: "Crossref", reason: "cannot form a URL for \(doi.value)")
        }
        let (status, data) = try get(url, service: "Crossref")
        if status == 404 { throw .notFound(service: "Crossref", identifier: doi.value, reason: "no work has this DOI") }
        guard status == 200 else { throw .badResponse(service: "Crossref", reason: "HTTP \(status)") }
        do {
            return try CrossrefWork.parse(data, file: url.absoluteString)
        } catch {
            throw .badResponse(service: "Crossref", reason: error.reason)
        }
    }

    /// The Hugging Face daily papers list of a day (`2024-05-31`), as JSON.
    func dailyPapers(on date: String) throws(LookupError) -> Data {
        guard let url = Self.url(services.huggingFace, adding: [URLQueryItem(name: "date", value: date)]) else { throw .badResponse(service: "Hugging Face", reason: "cannot form a query URL") }
        let (status, data) = try get(url, service: "Hugging Face")
        guard status == 200 else { throw .badResponse(service: "Hugging Face", reason: "HTTP \(status)") }
        return data
    }

    /// Metadata for a paper known by an arXiv id or a DOI (arXiv first).
    func lookup(arxiv: ArXivID?, doi: DOI?) throws(LookupError) -> PaperDraft? {
        if let arxiv {
            return try self.arxiv([arxiv]).first
        }
        if let doi {
            if doi.value.hasPrefix("10.48550/arxiv."), let id = ArXivID(String(doi.value.dropFirst("10.48550/arxiv.".count))) {
                return try self.arxiv([id]).first
            }
            return try crossref(doi)
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
    private func get(_ url: URL, service: String) throws(LookupError) -> (Int, Data) {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: services.timeout)
        request.setValue(services.userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue("*/*", forHTTPHeaderField: "Accept")
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = services.timeout
        configuration.timeoutIntervalForResource = services.timeout * 2
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let box = ResponseBox()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { data, response, error in
            box.set(data: data, response: response, error: error)
            done.signal()
        }.resume()
        done.wait()
        let (data, response, error) = box.get()
        if let error {
            throw .unreachable(service: "\(service) (\(url.host ?? url.absoluteString))", reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw .unreachable(service: service, reason: "no HTTP response")
        }
        return (http.statusCode, data ?? Data())
    }
}

/// Carries a URLSession completion back to the waiting thread.
private final class ResponseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    private var response: URLResponse?
    private var error: (any Error)?

    func set(data: Data?, response: URLResponse?, error: (any Error)?) {
        lock.withLock { self.data = data; self.response = response; self.error = error }
    }

    func get() -> (Data?, URLResponse?, (any Error)?) {
        lock.withLock { (data, response, error) }
    }
}
