import Foundation

/// Where metadata comes from: the arXiv API, Crossref and Hugging Face, each at a
/// base URL the environment can change (tests point them at a local server).
///
/// - `READER_ARXIV_API` (default `https://export.arxiv.org/api/query`)
/// - `READER_CROSSREF_API` (default `https://api.crossref.org/works`)
/// - `READER_HF_API` (default `https://huggingface.co/api/daily_papers`)
/// - `READER_HF_SEARCH` (default `https://huggingface.co/api/papers/search`), asked by
///   title when arXiv's search finds no match
/// - `READER_ARXIV_PDF` where arXiv serves PDFs (default `https://arxiv.org/pdf`),
///   paced with the API: one request every `READER_ARXIV_INTERVAL` seconds
/// - `READER_HTTP_TIMEOUT` seconds per request (default 20)
/// - `READER_ARXIV_INTERVAL` seconds between arXiv requests (default 3, as arXiv asks)
/// - `READER_CONTACT` an e-mail address for the User-Agent, which puts Crossref
///   requests in its polite pool
public struct MetadataServices: Sendable {
    /// The arXiv API's query URL.
    public var arxiv: URL
    /// Crossref's works URL.
    public var crossref: URL
    /// Hugging Face's daily papers URL.
    public var huggingFace: URL
    /// Hugging Face's papers search (`?q=`), which answers as the daily papers list does.
    public var huggingFaceSearch: URL
    /// Where arXiv serves PDFs: `<arxivPDF>/<id>v<version>`.
    public var arxivPDF: URL
    /// Seconds one request may take.
    public var timeout: TimeInterval
    /// The least time between two arXiv requests, across processes.
    public var arxivInterval: Duration
    /// The User-Agent every request sends.
    public var userAgent: String

    /// A setting of the environment that cannot be used, named.
    public struct SettingError: Error, CustomStringConvertible {
        /// What is wrong, naming the variable.
        public var description: String
    }

    /// The services the environment names (defaults: the real ones).
    ///
    /// - Parameter version: reader's version, for the User-Agent.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment, version: String) throws(SettingError) -> MetadataServices {
        func url(_ key: String, _ fallback: String) throws(SettingError) -> URL {
            let text = environment[key] ?? fallback
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw SettingError(description: "\(key)='\(text)' is not an http(s) URL")
            }
            return url
        }
        func seconds(_ key: String, _ fallback: Double) throws(SettingError) -> Double {
            guard let text = environment[key] else { return fallback }
            guard let value = Double(text), value >= 0, value < 3600 else { throw SettingError(description: "\(key)='\(text)' is not a number of seconds") }
            return value
        }
        let contact = environment["READER_CONTACT"].map { "; mailto:\($0)" } ?? ""
        return MetadataServices(
            arxiv: try url("READER_ARXIV_API", "https://export.arxiv.org/api/query"),
            crossref: try url("READER_CROSSREF_API", "https://api.crossref.org/works"),
            huggingFace: try url("READER_HF_API", "https://huggingface.co/api/daily_papers"),
            huggingFaceSearch: try url("READER_HF_SEARCH", "https://huggingface.co/api/papers/search"),
            arxivPDF: try url("READER_ARXIV_PDF", "https://arxiv.org/pdf"),
            timeout: try seconds("READER_HTTP_TIMEOUT", 20),
            arxivInterval: .milliseconds(Int64(try seconds("READER_ARXIV_INTERVAL", 3) * 1000)),
            userAgent: "reader/\(version) (local-first reading list for papers\(contact))"
        )
    }
}
