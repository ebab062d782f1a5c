import ArgumentParser
import Foundation
import Interchange
import Model
import Lookup
import Storage

struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a paper by arXiv id, DOI or URL, by title, or from its PDF.",
        discussion: """
            By arXiv id or DOI, the title, authors, abstract, dates, categories, DOI and PDF \
            link are fetched from the arXiv API or Crossref. With no network (or --offline) the \
            paper is stored with what is known and marked; `reader refresh` completes it later.
              reader add 2405.12345
              reader add https://doi.org/10.1145/3442188.3445922 --tag ethics
              reader add --title "Attention Is All You Need" --author "Ashish Vaswani" --year 2017
              reader add ~/Downloads/1706.03762v7.pdf
            From a PDF, the arXiv id or DOI printed in its first pages is looked up and the file \
            attached (kept in the library's file store, its text searchable).
            A paper already in the library is completed with the fields it lacks, never duplicated.
            """
    )

    @Argument(help: "An arXiv id, DOI, URL (arxiv.org, doi.org or any other page), or a PDF file.")
    var identifier: String?

    @Option(help: "The title.") var title: String?
    @Option(name: .customLong("author"), help: "An author; repeat in order.") var authors: [String] = []
    @Option(help: "The abstract.") var abstract: String?
    @Option(help: "The publication year.") var year: Int?
    @Option(help: "A link to the paper.") var url: String?
    @Option(name: .customLong("code"), help: "A link to the code.") var codeURL: String?
    @Option(help: "Journal, conference or venue.") var venue: String?
    @Option(name: .customLong("tag"), help: "A tag; repeat for more.") var tags: [String] = []
    @Flag(help: "Fetch nothing; mark the paper for `reader refresh`.") var offline = false
    @Flag(help: "Add a paper that was purged again, as a new paper (a purge is for good otherwise).") var again = false
    @OptionGroup var library: LibraryOptions
    @OptionGroup var output: JSONOption

    func validate() throws {
        if identifier == nil && (title ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("give an arXiv id, a DOI or a URL, or --title")
        }
        if let year, !(1000...9999).contains(year) { throw ValidationError("--year \(year) is not a four-digit year") }
    }

    func run() async throws {
        var draft = PaperDraft(title: title ?? "", authors: authors, abstract: abstract)
        draft.year = year
        draft.venue = venue
        draft.codeURL = codeURL
        draft.url = url
        draft.source = "cli"
        draft.tags = try tags.map(tagName)
        let store = try library.open()
        var pdf: (stored: FileStore.StoredFile, name: String)?
        var cleanup: (() -> Void)?
        defer { cleanup?() }
        if let identifier, Self.isLocalFile(identifier) {
            let source = URL(fileURLWithPath: LibraryOptions.expand(identifier))
            let stored = try store.files.store(copying: source, maxSize: 200 << 20)
            guard stored.kind == .pdf else {
                throw CLIError("\(identifier) is not a PDF; `reader attach PAPER FILE` adds any file to a paper")
            }
            pdf = (stored, source.lastPathComponent)
            // Nothing added: the copy goes again (unless the same bytes were stored before).
            if !stored.wasPresent {
                cleanup = { try? store.removeText(of: [stored.hash]); store.files.remove(stored.hash) }
            }
            let text = PaperFiles(library: store).indexText(of: stored.hash, kind: .pdf)
            let found = PaperFiles.identifiers(in: try store.pageTexts(of: stored.hash, upTo: 2))
            draft.arxiv = found.arxiv
            draft.doi = found.doi
            if found.arxiv == nil, found.doi == nil, draft.title.isEmpty {
                if case .noTool(let reason) = text { throw CLIError("cannot read \(identifier) to find its arXiv id or DOI: \(reason); or add it with --title \"…\"") }
                throw CLIError("found no arXiv id or DOI in the first pages of \(identifier); add it with --title \"…\" (the file is then attached)")
            }
        } else if let identifier {
            switch PaperIdentifier(identifier) {
            case .arxiv(let id): draft.arxiv = id
            case .doi(let doi): draft.doi = doi
            case nil:
                guard let parsed = URL(string: identifier), let scheme = parsed.scheme, ["http", "https"].contains(scheme.lowercased()), parsed.host != nil else {
                    throw CLIError("'\(identifier)' is not an arXiv id (2405.12345), a DOI (10.1234/abc) or an http(s) URL")
                }
                draft.url = identifier
                if draft.title.isEmpty { draft.title = identifier }
            }
        }
        var needsLookup = false
        var notice: String?
        if draft.arxiv != nil || draft.doi != nil {
            let known = try store.paper(draft.stableID).map { !$0.title.isEmpty } ?? false
            if offline {
                needsLookup = !known
            } else if !known {
                let client = MetadataClient(services: try MetadataServices.fromEnvironment(version: Reader.version), library: store)
                do {
                    if let fetched = try await client.lookup(arxiv: draft.arxiv, doi: draft.doi) {
                        draft = draft.filled(from: fetched)
                    }
                } catch .unreachable(let service, let reason) {
                    needsLookup = true
                    notice = "Could not reach \(service) (\(reason)); stored what is known. Run `reader refresh` to complete it."
                } catch {
                    // The service answered: no such paper, or nothing readable. Store nothing.
                    throw CLIError("\(error)")
                }
            }
        }
        let outcome: AddOutcome
        do {
            outcome = try store.add(draft, needingLookup: needsLookup, again: again)
        } catch StorageError.paperPurged(let title, let purgedAt) {
            let what = title.isEmpty || title == identifier ? "'\(identifier ?? title)'" : "'\(title)'\(identifier.map { " (\($0))" } ?? "")"
            let command = identifier.map { "reader add \(StorageError.shellWord($0)) --again" } ?? "reader add --title \(StorageError.shellWord(title)) --again"
            throw CLIError("\(what) was purged on \(StorageError.day(purgedAt)); a purge is for good, so nothing was added. To add it again as a new paper, run `\(command)`")
        }
        if let notice { printError(notice) }
        if let pdf {
            try store.attach(pdf.stored, to: outcome.paperID, name: pdf.name, sourceURL: nil, origin: .attached)
            cleanup = nil
        }
        guard let detail = try store.detail(outcome.paperID) else { throw CLIError("the paper vanished while it was added; run `reader doctor`") }
        if output.json { Render.json(PaperJSON.detail(detail)); return }
        switch outcome {
        case .added: print("Added " + Render.line(detail.paper, tags: detail.tags))
        case .merged(_, let fields): print("Already in the library; filled \(fields.joined(separator: ", ")): " + Render.line(detail.paper, tags: detail.tags))
        case .unchanged: print("Already in the library: " + Render.line(detail.paper, tags: detail.tags))
        }
        if let pdf { print("Attached \(pdf.name) (\(ByteCount.text(pdf.stored.size)))") }
    }

    /// Whether the argument names a file here rather than an identifier or a URL.
    static func isLocalFile(_ text: String) -> Bool {
        guard !text.contains("://") else { return false }
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: LibraryOptions.expand(text), isDirectory: &isFolder) && !isFolder.boolValue
    }
}
