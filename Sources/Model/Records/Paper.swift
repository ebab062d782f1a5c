import Foundation

/// A paper in the reading list, with its reading state.
///
/// The bibliographic fields say what the paper is; ``status``, ``rating`` and
/// ``readAt`` say where the reader is with it. Every property maps to one synced
/// field of the `paper` entity (see ``Entity/paper``).
public struct Paper: Hashable, Sendable, Identifiable {
    /// The record's id.
    public var id: UUID
    /// The title, as the source gives it.
    public var title: String
    /// Author names in order, as written by the source.
    public var authors: [String]
    /// The parts of the authors' names whose parts cannot be read from the display
    /// name (`Uría Ríu, Juan`; an organisation): see ``names``.
    public var authorNames: [PersonName]
    /// The abstract, when known.
    public var abstract: String?
    /// The publication date as far as it is known: `2024`, `2024-05` or `2024-05-30`.
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
    /// Where the paper came from: `listing:trending-papers.txt`, `cli`, `bibtex:refs.bib`.
    public var source: String?
    /// The citation key exports use (`vaswani2017attention`): given once, then kept.
    public var citeKey: String?
    /// The keys of entries merged into this paper (``citeKey`` stays its key):
    /// `\cite` commands written with them still find it, and BibLaTeX exports
    /// them as `ids`.
    public var citeAliases: [String]
    /// Subject categories, the primary one first (arXiv: `cs.CL`, `stat.ML`).
    public var categories: [String]
    /// What kind of work it is (journal article, conference paper, book, ...), when
    /// a source said; exports without one take it from the venue and arXiv id
    /// (``WorkType/implied(venue:isPreprint:)``), so that type is not stored.
    public var workType: WorkType?
    /// The other bibliographic fields its sources gave, by BibLaTeX's field names:
    /// `volume`, `number`, `publisher`, `location`, `editor`, `isbn`, `issn`,
    /// `edition`, `series`, `chapter`, `institution`, `howpublished`, `note`, ...,
    /// and any other field of a BibTeX entry, so that it goes back out. Values are
    /// as a BibTeX file holds them (LaTeX, name lists as `Family, Given and ...`),
    /// whichever format they came from; `@type` is the BibTeX entry type when the
    /// work type alone would not give it back (`mastersthesis`).
    public var bibFields: [String: String]
    /// Fields as their LaTeX source wrote them, by field name (`title`, `venue`,
    /// `abstract`, `authors`): BibTeX exports write a field as written while its
    /// text still reads the same, so an unedited field goes back out unchanged.
    public var latex: [String: String]
    /// The authors' comment (arXiv: `12 pages, 4 figures; accepted at ACL 2024`).
    public var comment: String?
    /// The page range in its venue (`5998--6008`, `e1234`), as the source wrote it.
    public var pages: String?
    /// When the paper entered the library.
    public var addedAt: Date
    /// Where the reader is with the paper.
    public var status: ReadingStatus
    /// 1 to 5, when the reader gave one.
    public var rating: Int?
    /// When the paper was last marked read.
    public var readAt: Date?
    /// In the trash: hidden from the list, restorable.
    public var isTrashed: Bool
    /// When any field last changed (local bookkeeping, not synced).
    public var updatedAt: Date?

    /// Creates a value from its fields.
    public init(
        id: UUID, title: String, authors: [String] = [], abstract: String? = nil,
        published: String? = nil, year: Int? = nil, arxiv: ArXivID? = nil, doi: DOI? = nil,
        url: String? = nil, pdfURL: String? = nil, codeURL: String? = nil, venue: String? = nil,
        source: String? = nil, addedAt: Date, status: ReadingStatus = .inbox, rating: Int? = nil,
        readAt: Date? = nil, isTrashed: Bool = false, updatedAt: Date? = nil,
        citeKey: String? = nil, categories: [String] = [], comment: String? = nil, pages: String? = nil,
        citeAliases: [String] = [], authorNames: [PersonName] = [], latex: [String: String] = [:],
        workType: WorkType? = nil, bibFields: [String: String] = [:]
    ) {
        self.id = id; self.title = title; self.authors = authors; self.abstract = abstract
        self.published = published; self.year = year; self.arxiv = arxiv; self.doi = doi
        self.url = url; self.pdfURL = pdfURL; self.codeURL = codeURL; self.venue = venue
        self.source = source; self.addedAt = addedAt; self.status = status; self.rating = rating
        self.readAt = readAt; self.isTrashed = isTrashed; self.updatedAt = updatedAt
        self.citeKey = citeKey; self.categories = categories; self.comment = comment; self.pages = pages
        self.citeAliases = citeAliases; self.authorNames = authorNames; self.latex = latex
        self.workType = workType; self.bibFields = bibFields
    }

    /// A paper from its record's values, by the field names of ``Entity/paper``.
    ///
    /// - Parameters:
    ///   - values: the record's fields (``Entity/fields`` of ``Entity/paper``).
    ///   - updatedAt: when any field last changed.
    public init(id: UUID, values: [String: JSONValue], updatedAt: Date? = nil) {
        self.init(id: id, updatedAt: updatedAt, fields: FieldDictionary(values: values))
    }

    /// A paper from its stored fields, by the field names of ``Entity/paper``: the one
    /// place that maps stored fields to properties. Fields that are missing or of the
    /// wrong kind read as empty.
    public init(id: UUID, updatedAt: Date? = nil, fields: some FieldValues) {
        func int(_ name: String) -> Int? { fields.integer(name).map { Int(clamping: $0) } }
        func date(_ name: String) -> Date? { fields.integer(name).map { Date(timeIntervalSince1970: Double($0) / 1000) } }
        self.init(
            id: id, title: fields.text("title") ?? "", authors: fields.texts("authors"), abstract: fields.text("abstract"),
            published: fields.text("published"), year: int("year"),
            arxiv: fields.text("arxiv_id").flatMap { ArXivID(id: $0, version: int("arxiv_version")) },
            doi: fields.text("doi").flatMap(DOI.init),
            url: fields.text("url"), pdfURL: fields.text("pdf_url"), codeURL: fields.text("code_url"),
            venue: fields.text("venue"), source: fields.text("source"),
            addedAt: date("added_at") ?? Date(timeIntervalSince1970: 0),
            status: fields.text("status").flatMap(ReadingStatus.init(rawValue:)) ?? .inbox,
            rating: int("rating"), readAt: date("read_at"), isTrashed: fields.value("trashed") == .bool(true), updatedAt: updatedAt,
            citeKey: fields.text("cite_key"), categories: fields.texts("categories"), comment: fields.text("comment"),
            pages: fields.text("pages"), citeAliases: fields.texts("cite_aliases"),
            authorNames: fields.value("author_names")?.arrayValue?.compactMap(PersonName.init(json:)) ?? [],
            latex: fields.textsByName("latex"), workType: fields.text("work_type").flatMap(WorkType.init(rawValue:)),
            bibFields: fields.textsByName("bib_fields")
        )
    }

    /// The id a new paper with these identifying fields gets: from the arXiv id,
    /// else the DOI, else the title and first author.
    public static func stableID(arxiv: ArXivID?, doi: DOI?, title: String, authors: [String]) -> UUID {
        if let arxiv { return StableID.paper(.arxiv(arxiv)) }
        if let doi { return StableID.paper(.doi(doi)) }
        return StableID.paper(title: title, firstAuthor: authors.first)
    }

    /// Each author's name in its parts, as exports write it (``PersonName/names(of:known:)``).
    public var names: [PersonName] { PersonName.names(of: authors, known: authorNames) }

    /// The best short label: the title, else the identifier.
    public var displayTitle: String {
        if !title.isEmpty { return title }
        if let arxiv { return "arXiv:\(arxiv)" }
        if let doi { return "doi:\(doi)" }
        return url ?? "(untitled)"
    }
}
