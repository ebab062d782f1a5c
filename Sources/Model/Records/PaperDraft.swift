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
    /// The title, as the source gives it.
    public var title: String
    /// Author names, in order, as lists show them (``PersonName/displayName``).
    public var authors: [String] = []
    /// The parts of the authors' names, as the source gave them: setting them sets
    /// ``authors`` to their display names; reading them pairs ``authors`` with the
    /// parts last set (``PersonName/names(of:known:)``).
    public var authorNames: [PersonName] {
        get { PersonName.names(of: authors, known: knownNames) }
        set { knownNames = newValue; authors = newValue.map(\.displayName) }
    }
    private var knownNames: [PersonName] = []
    /// The abstract, when known.
    public var abstract: String?
    /// The publication date, as precise as known.
    public var published: String?
    /// The publication year.
    public var year: Int?
    /// The arXiv id, with its version when known.
    public var arxiv: ArXivID?
    /// The DOI, normalized.
    public var doi: DOI?
    /// A link to the paper's page.
    public var url: String?
    /// A link to the PDF.
    public var pdfURL: String?
    /// A link to the code.
    public var codeURL: String?
    /// The journal, conference or venue.
    public var venue: String?
    /// Where it came from.
    public var source: String?
    /// The citation key the source gave it, kept when the paper is new and the
    /// key is free (see ``CiteKey``).
    public var citeKey: String?

    /// Whether the draft says which work it is: a title, a DOI or an arXiv id. An
    /// import keeps one that does not only with a warning (bibtex and biber keep it).
    public var saysWhichWork: Bool { !title.isEmpty || doi != nil || arxiv != nil }
    /// Subject categories, the primary one first.
    public var categories: [String] = []
    /// The authors' comment (arXiv's `12 pages, 4 figures`).
    public var comment: String?
    /// The page range in its venue (`5998–6008`).
    public var pages: String?
    /// Its tags, sorted.
    public var tags: [TagName] = []
    /// What kind of work it is, when the source says.
    public var workType: WorkType?
    /// The source's other bibliographic fields, by BibLaTeX's names (`volume`,
    /// `number`, `publisher`, `location`, `editor`, `isbn`, ...), as BibTeX writes
    /// them (see ``Paper/bibFields``).
    public var bibFields: [String: String] = [:]
    /// Fields as their LaTeX source wrote them (`title`: `The {METAFONT} book`),
    /// for the fields whose text was converted from LaTeX: a BibTeX export writes
    /// them as written while the field still reads the same.
    public var latex: [String: String] = [:]
    /// The line of the source where the record starts.
    public var line: Int?

    /// Creates a value from its fields.
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
            // Only the parts a display name does not say (most names have none), and
            // every name whose display name the list has twice (`Negro, Luca Dal` and
            // `Dal Negro, Luca`), so that they pair up in order.
            var parts: [PersonName] = []
            if !knownNames.isEmpty {
                let names = authorNames
                var seen: [String: Int] = [:]
                for name in names { seen[name.displayName, default: 0] += 1 }
                parts = names.filter { !$0.isReadFromDisplayName || seen[$0.displayName, default: 0] > 1 }
            }
            if !parts.isEmpty { values["author_names"] = .array(parts.map(\.jsonValue)) }
        }
        put("abstract", abstract)
        put("published", published)
        if let year { values["year"] = .int(Int64(year)) }
        put("arxiv_id", arxiv?.id)
        if let version = arxiv?.version { values["arxiv_version"] = .int(Int64(version)) }
        put("doi", doi?.written)
        put("url", url)
        put("pdf_url", pdfURL)
        put("code_url", codeURL)
        put("venue", venue)
        put("source", source)
        put("comment", comment.map(TextNormalization.singleLine))
        put("pages", pages.map(TextNormalization.singleLine))
        if !categories.isEmpty { values["categories"] = .array(categories.map { .string($0) }) }
        if !latex.isEmpty { values["latex"] = .object(latex.mapValues(JSONValue.string)) }
        if workType != WorkType.implied(venue: venue, isPreprint: arxiv != nil) { put("work_type", workType?.rawValue) }
        if !bibFields.isEmpty { values["bib_fields"] = .object(bibFields.mapValues(JSONValue.string)) }
        return values
    }

    /// The first field of this draft that breaks one of ``FieldRules`` (a NUL in a
    /// text), with the problem; nil when every field can be stored and synced.
    public var ruleProblem: (field: String, problem: FieldRules.Problem)? {
        for (name, value) in fieldValues.sorted(by: { $0.key < $1.key }) {
            for text in value.strings {
                if let problem = FieldRules.textProblem(text) { return (name, problem) }
            }
        }
        return nil
    }

    /// This draft with every field it lacks taken from `other`: what the user
    /// typed wins over what a service fetched.
    public func filled(from other: PaperDraft) -> PaperDraft {
        var result = self
        if result.title.isEmpty { result.title = other.title }
        if result.authors.isEmpty { result.authorNames = other.authorNames }
        result.abstract = result.abstract ?? other.abstract
        result.published = result.published ?? other.published
        result.year = result.year ?? other.year
        if result.arxiv == nil || (result.arxiv?.version == nil && result.arxiv?.id == other.arxiv?.id) { result.arxiv = other.arxiv ?? result.arxiv }
        result.doi = result.doi ?? other.doi
        result.url = result.url ?? other.url
        result.pdfURL = result.pdfURL ?? other.pdfURL
        result.codeURL = result.codeURL ?? other.codeURL
        result.venue = result.venue ?? other.venue
        result.comment = result.comment ?? other.comment
        result.pages = result.pages ?? other.pages
        result.citeKey = result.citeKey ?? other.citeKey
        if result.categories.isEmpty { result.categories = other.categories }
        result.latex.merge(other.latex) { mine, _ in mine }
        result.workType = result.workType ?? other.workType
        result.bibFields.merge(other.bibFields) { mine, _ in mine }
        result.tags = Array(Set(result.tags + other.tags)).sorted()
        return result
    }

    /// The id the paper gets when it is new.
    public var stableID: UUID {
        Paper.stableID(arxiv: arxiv, doi: doi, title: title, authors: authors)
    }
}
