import Foundation

/// Where metadata comes from: the arXiv API, Crossref and Hugging Face, each at a
/// base URL the environment can change (tests point them at a local server).
///
/// - `READER_ARXIV_API` (default `https://export.arxiv.org/api/query`)
/// - `READER_CROSSREF_API` (default `https://api.crossref.org/works`)
/// - `READER_HF_API` (default `https://huggingface.co/api/daily_papers`)
/// - `READER_HTTP_TIMEOUT` seconds per request (default 20)
/// - `READER_ARXIV_INTERVAL` seconds between arXiv requests (default 3, as arXiv asks)
/// - `READER_CONTACT` an e-mail address for the User-Agent, which puts Crossref
///   requests in its polite pool
struct MetadataServices {
    var arxiv: URL
    var crossref: URL
    var huggingFace: URL
    var timeout: TimeInterval
    var arxivInterval: Duration
    var userAgent: String

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MetadataServices {
        func url(_ key: String, _ fallback: String) throws -> URL {
            let text = environment[key] ?? fallback
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw CLIError("\(key)='\(text)' is not an http(s) URL")
            }
            return url
        }
        func seconds(_ key: String, _ fallback: Double) throws -> Double {
            guard let text = environment[key] else { return fallback }
            guard let value = Double(text), value >= 0, value < 3600 else { throw CLIError("\(key)='\(text)' is not a number of seconds") }
            return value
        }
        let contact = environment["READER_CONTACT"].map { "; mailto:\($0)" } ?? ""
        return MetadataServices(
            arxiv: try url("READER_ARXIV_API", "https://export.arxiv.org/api/query"),
            crossref: try url("READER_CROSSREF_API", "https://api.crossref.org/works"),
            huggingFace: try url("READER_HF_API", "https://huggingface.co/api/daily_papers"),
            timeout: try seconds("READER_HTTP_TIMEOUT", 20),
            arxivInterval: .milliseconds(Int64(try seconds("READER_ARXIV_INTERVAL", 3) * 1000)),
            userAgent: "reader/\(Reader.version) (local-first reading list for papers\(contact))"
        )
    }
}
