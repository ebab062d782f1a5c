import Foundation
import Model

/// Reads the Hugging Face daily papers JSON (`/api/daily_papers`): an array of
/// entries, each with a `paper` object holding `id` (the arXiv id), `title`,
/// `summary`, `authors[].name`, `publishedAt`, and optionally `githubRepo` and
/// `projectPage`.
///
/// ```swift
/// let drafts = try DailyPapers.parse(data, file: "2024-05-30.json")
/// ```
public enum DailyPapers {
    /// The drafts of every entry, in file order. A malformed file or entry stops the
    /// read, naming the entry.
    ///
    /// With `skipping`, a bad entry is handed to it and the read goes on.
    public static func parse(_ data: Data, file: String, skipping: ((ImportError) -> Void)? = nil) throws(ImportError) -> [PaperDraft] {
        try ImportProblems(skipping: skipping).drafts(in: data, file: file, reader: read)
    }

    /// Reads the entries of a file one at a time, handing each to `emit`.
    static func read(_ bytes: FileBytes, file: String, emit: (ReadRecord) throws -> Void) throws {
        let source = ImportError.source("hf-daily", file: file)
        try JSONRecords.forEach(in: bytes, file: file, oneObject: false, notAList: "expected a JSON array of daily papers entries") { index, entry in
            let record: ReadRecord
            do throws(ImportError) { record = .paper(try draft(entry, index: index, file: file, source: source)) } catch { record = .bad(error) }
            try emit(record)
        }
    }

    static func draft(_ entry: JSONValue, index: Int, file: String, source: String) throws(ImportError) -> PaperDraft {
        func fail(_ reason: String) -> ImportError {
            ImportError(file: file, line: nil, reason: "entry \(index + 1): \(reason)")
        }
        guard case .object(let object) = entry, case .object(let paper)? = object["paper"] else {
            throw fail("expected an object with a \"paper\" object")
        }
        guard let idText = paper["id"]?.stringValue, let arxiv = ArXivID(idText) else {
            throw fail("\"paper.id\" is not an arXiv id")
        }
        guard let title = paper["title"]?.stringValue ?? object["title"]?.stringValue,
              !title.allSatisfy(\.isWhitespace) else {
            throw fail("paper \(idText) has no title")
        }
        var draft = PaperDraft(title: title, arxiv: arxiv)
        if case .array(let authors)? = paper["authors"] {
            draft.authors = authors.compactMap { author in
                guard case .object(let fields) = author, let name = fields["name"]?.stringValue else { return nil }
                return name.allSatisfy(\.isWhitespace) ? nil : name
            }
        }
        if let summary = paper["summary"]?.stringValue {
            let abstract = TextNormalization.collapsingWhitespace(summary)
            draft.abstract = abstract.isEmpty ? nil : abstract
        }
        if let published = paper["publishedAt"]?.stringValue, published.count >= 10,
           let year = Int(published.prefix(4)) {
            draft.published = String(published.prefix(10))
            draft.year = year
        }
        draft.codeURL = paper["githubRepo"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        draft.url = paper["projectPage"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        draft.pdfURL = "https://arxiv.org/pdf/\(arxiv.id)"
        draft.source = source
        return draft
    }

    /// Whether the text starts like a daily papers list: an array of objects with `"paper"`.
    public static func looksLikeDailyPapers(_ text: String) -> Bool {
        let start = text.drop { $0.isWhitespace }
        guard start.first == "[" else { return false }
        let head = start.prefix(4096)
        return head.contains("\"paper\"") && (head.contains("\"summary\"") || head.contains("\"title\""))
    }
}

extension ImportFormat {
    /// The Hugging Face daily papers JSON.
    public static let hfDaily = ImportFormat(name: "hf-daily", recognises: DailyPapers.looksLikeDailyPapers, isText: false, reader: DailyPapers.read)
}
