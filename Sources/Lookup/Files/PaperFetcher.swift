import Foundation
import Model
import Storage

/// Fetches papers' PDFs into the file store: arXiv by id (the stored version when
/// known), else the paper's PDF link, else the link Crossref gives for its DOI.
/// A file an attachment record already names (synced from another machine) is
/// fetched from its source and must have the record's hash.
///
/// arXiv requests share the metadata lookup's pace (one every 3 seconds, across
/// every `reader` process on the library).
public struct PaperFetcher: Sendable {
    /// The library's files.
    public let files: PaperFiles
    /// Metadata lookup: its services, its pacing, Crossref's PDF links.
    public let client: MetadataClient
    /// Downloads into the store.
    public let downloader: FileDownloader
    /// The largest file accepted.
    public var maxSize: Int64

    /// A fetcher for `files`' library.
    public init(files: PaperFiles, client: MetadataClient, maxSize: Int64) {
        self.files = files
        self.client = client
        self.downloader = FileDownloader(store: files.store, userAgent: client.services.userAgent, timeout: client.services.timeout)
        self.maxSize = maxSize
    }

    /// What fetching one paper came to.
    public enum Outcome: Sendable {
        /// Downloaded, stored and recorded; what became of its text.
        case fetched(Attachment, FileStore.StoredFile, PaperFiles.TextOutcome)
        /// A PDF of the paper is on this machine already.
        case alreadyHere(Attachment)
        /// Nothing was stored; why (every source tried, in order).
        case failed(String)
    }

    /// A paper's PDF received from one of its sources and checked, not yet in the store.
    public struct Received: Sendable {
        /// The paper.
        public var paper: Paper
        /// The file, waiting to enter the store.
        public var file: FileDownloader.Received
    }

    /// How receiving a paper's PDF went: received, or already finished (here before, or failed).
    public enum Reception: Sendable {
        /// Received: ``keep(_:)`` stores and records it.
        case received(Received)
        /// Nothing to keep.
        case finished(Outcome)
    }

    /// Fetches a paper's PDF unless one is here: ``receive(_:progress:)`` then ``keep(_:)``.
    ///
    /// - Parameter progress: bytes on disk of the file being downloaded, and its
    ///   size when known.
    public func fetch(_ paper: Paper, progress: (@Sendable (Int64, Int64?) -> Void)? = nil) async -> Outcome {
        switch await receive(paper, progress: progress) {
        case .received(let received): keep(received)
        case .finished(let outcome): outcome
        }
    }

    /// Downloads a paper's PDF from the first of its sources that gives a whole PDF
    /// (with the hash an attachment record names, when one does), unless one is here.
    /// The file reaches the disk and the library in ``keep(_:)``, so that `reader
    /// fetch` receives the next paper meanwhile.
    public func receive(_ paper: Paper, progress: (@Sendable (Int64, Int64?) -> Void)? = nil) async -> Reception {
        let attachments: [Attachment]
        do {
            if let present = try files.fileHere(of: paper.id), present.kind == .pdf { return .finished(.alreadyHere(present)) }
            attachments = try files.library.attachments(of: paper.id)
        } catch {
            return .finished(.failed("\(error)"))
        }
        var reasons: [String] = []
        // A file another machine attached: the same bytes, from where they came.
        for attachment in attachments where attachment.kind == .pdf {
            guard let source = attachment.sourceURL.flatMap(URL.init(string:)) else { continue }
            switch await download(source, for: paper, expecting: attachment.sha256, progress: progress) {
            case .success(let file): return .received(Received(paper: paper, file: file))
            case .failure(let failure): reasons.append(failure.reason)
            }
        }
        let urls = await sources(for: paper, reasons: &reasons)
        for source in urls {
            switch await download(source, for: paper, expecting: nil, progress: progress) {
            case .success(let file): return .received(Received(paper: paper, file: file))
            case .failure(let failure): reasons.append(failure.reason)
            }
        }
        if urls.isEmpty, !attachments.contains(where: { $0.sourceURL != nil }) {
            reasons.append(attachments.isEmpty
                ? "no source for a PDF: the paper has no arXiv id, PDF link or DOI (`reader attach` adds a file you have)"
                : "its file is not on this machine and has no source to fetch it from")
        }
        return .finished(.failed(reasons.joined(separator: "; ")))
    }

    /// Puts a received PDF into the store (flushed to disk), records it as the
    /// paper's attachment and reads its text.
    public func keep(_ received: Received) -> Outcome {
        let stored: FileStore.StoredFile
        do {
            stored = try downloader.keep(received.file)
        } catch {
            return .failed(error.description)
        }
        do {
            let url = received.file.url
            let name = url.lastPathComponent.isEmpty ? nil : url.lastPathComponent
            let attachment = try files.library.attach(stored, to: received.paper.id, name: name, sourceURL: url.absoluteString, origin: .fetched)
            return .fetched(attachment, stored, files.indexText(of: stored.hash, kind: stored.kind))
        } catch {
            return .failed("\(error)")
        }
    }

    /// Where the paper's PDF may be, best first. A paper with no identifier and no
    /// link is first looked up on arXiv by its title (``TitleLookup``).
    func sources(for paper: Paper, reasons: inout [String]) async -> [URL] {
        var paper = paper
        if paper.arxiv == nil, paper.doi == nil, paper.pdfURL == nil {
            switch await identify(paper) {
            case .success(let identified): paper = identified
            case .failure(let failure): reasons.append(failure.reason)
            }
        }
        var urls: [URL] = []
        if let arxiv = paper.arxiv {
            let version = arxiv.version.map { "v\($0)" } ?? ""
            if let url = URL(string: client.services.arxivPDF.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/" + arxiv.id + version) {
                urls.append(url)
            }
        }
        if let link = paper.pdfURL.flatMap(URL.init(string:)), ["http", "https"].contains(link.scheme?.lowercased() ?? ""), !urls.contains(link) {
            urls.append(link)
        }
        if urls.isEmpty, let doi = paper.doi {
            do {
                if let link = try await client.crossref(doi).pdfURL.flatMap(URL.init(string:)) {
                    urls.append(link)
                } else {
                    reasons.append("Crossref gives no PDF link for \(doi.value)")
                }
            } catch {
                reasons.append("\(error)")
            }
        }
        return urls
    }

    /// The paper with the arXiv id its title and abstract lead to, or why not.
    private func identify(_ paper: Paper) async -> Result<Paper, FetchFailure> {
        let outcome: TitleLookup.Outcome
        do {
            outcome = try await TitleLookup(client: client).identify(paper)
        } catch {
            return .failure(FetchFailure("looking it up by title: \(error)"))
        }
        do {
            switch outcome {
            case .identified(let draft, _, _):
                if case .alreadyInLibrary(let other) = try files.library.identify(paper.id, as: draft) {
                    return .failure(FetchFailure("arXiv \(draft.arxiv?.description ?? "") is this paper, and it is already in the library as \(other.lowercased.prefix(8)); `reader duplicates` shows them"))
                }
                return try files.library.paper(paper.id).map { .success($0) } ?? .failure(FetchFailure("the paper vanished"))
            case .nearMisses(let candidates):
                try files.library.titleLookupFailed(paper.id, result: "near miss")
                return .failure(FetchFailure("no arXiv paper matches both its title and abstract; closest: \(candidates[0]) (not merged)"))
            case .notFound:
                try files.library.titleLookupFailed(paper.id, result: "not found")
                return .failure(FetchFailure("arXiv has no paper with this title"))
            }
        } catch {
            return .failure(FetchFailure("\(error)"))
        }
    }

    private func isArXiv(_ url: URL) -> Bool {
        url.host == client.services.arxivPDF.host && url.port == client.services.arxivPDF.port
            && url.path.hasPrefix(client.services.arxivPDF.path)
    }

    private func download(_ url: URL, for paper: Paper, expecting hash: FileHash?,
                          progress: (@Sendable (Int64, Int64?) -> Void)?) async -> Result<FileDownloader.Received, FetchFailure> {
        if isArXiv(url) {
            do {
                try await client.waitForArXiv()
            } catch {
                return .failure(FetchFailure("\(error)"))
            }
        }
        do {
            return .success(try await downloader.receive(FileDownloader.Request(url: url, wantsPDF: true, expectedHash: hash, maxSize: maxSize), progress: progress))
        } catch {
            return .failure(FetchFailure(error.description))
        }
    }
}

/// Why one source failed, in words.
struct FetchFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

