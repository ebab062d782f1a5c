import Foundation

/// A paper as a source describes it, before it is in the library.
///
/// Importers produce drafts; ``Storage`` turns a draft into a new paper or merges
/// it into the paper it matches. `line` says where in the source it came from,
/// for error messages.
///
/// ```swift
/// var draft = PaperDraft(title: "Attention Is All You Need")
/// draft.arxiv = ArXivID("1706.03762")
/// ```
public struct PaperDraft: Hashable, Sendable {
    public var title: String
    public var authors: [String] = []
    public var abstract: String?
    public var published: String?
    public var year: Int?
    public var arxiv: ArXivID?
    public var doi: DOI?
    public var url: String?
    public var pdfURL: String?
    public var codeURL: String?
    public var venue: String?
    public var source: String?
    public var tags: [TagName] = []
    /// The line of the source where the record starts.
    public var line: Int?

    public init(title: String = "", authors: [String] = [], abstract: String? = nil, arxiv: ArXivID? = nil, doi: DOI? = nil) {
        self.title = title; self.authors = authors; self.abstract = abstract; self.arxiv = arxiv; self.doi = doi
    }

    /// The bibliographic fields that are set, as `paper` field values.
    public var fieldValues: [String: JSONValue] {
        var values: [String: JSONValue] = [:]
        func put(_ name: String, _ text: String?) {
            if let text, !text.isEmpty { values[name] = .string(text) }
        }
        put("title", title.isEmpty ? nil : TextNormalization.singleLine(title))
        if !authors.isEmpty {
            values["authors"] = .array(authors.map { .string(TextNormalization.singleLine($0)) })
        }
        put("abstract", abstract)
        put("published", published)
        if let year { values["year"] = .int(Int64(year)) }
        put("arxiv_id", arxiv?.id)
        if let version = arxiv?.version { values["arxiv_version"] = .int(Int64(version)) }
        put("doi", doi?.value)
        put("url", url)
        put("pdf_url", pdfURL)
        put("code_url", codeURL)
        put("venue", venue)
        put("source", source)
        return values
    }

    /// The id the paper gets when it is new.
    public var stableID: UUID {
        Paper.stableID(arxiv: arxiv, doi: doi, title: title, authors: authors)
    }
}
