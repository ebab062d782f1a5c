/// What kind of work a paper is, by CSL's names for item types.
///
/// Each bibliographic format has its own list (BibTeX's `@inproceedings`, RIS's
/// `CONF`, CSL's `paper-conference`); reader keeps the kind in CSL's terms, the
/// richest of them and the one with a specification, and each format maps its own
/// names to and from it.
///
/// ```swift
/// WorkType("paper-conference") == .paperConference  // true
/// ```
public struct WorkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The CSL type name (`article-journal`).
    public let rawValue: String

    /// A type by its CSL name; nil for a name CSL 1.0.2 does not define.
    public init?(rawValue: String) {
        guard Self.names.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// A type by its CSL name; nil for a name CSL 1.0.2 does not define.
    public init?(_ name: String) { self.init(rawValue: name) }

    private init(known: String) { rawValue = known }

    /// The CSL name.
    public var description: String { rawValue }

    /// Every item type CSL 1.0.2 defines.
    static let names: Set<String> = [
        "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
        "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
        "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case",
        "legislation", "manuscript", "map", "motion_picture", "musical_score", "pamphlet",
        "paper-conference", "patent", "performance", "periodical", "personal_communication", "post",
        "post-weblog", "regulation", "report", "review", "review-book", "software", "song", "speech",
        "standard", "thesis", "treaty", "webpage",
    ]

    /// A preprint or other article outside a journal (CSL `article`).
    public static let article = WorkType(known: "article")
    /// A journal article.
    public static let articleJournal = WorkType(known: "article-journal")
    /// A paper in a conference's proceedings.
    public static let paperConference = WorkType(known: "paper-conference")
    /// A book.
    public static let book = WorkType(known: "book")
    /// A chapter or other part of a book.
    public static let chapter = WorkType(known: "chapter")
    /// A thesis.
    public static let thesis = WorkType(known: "thesis")
    /// A technical report.
    public static let report = WorkType(known: "report")
    /// A web page.
    public static let webpage = WorkType(known: "webpage")
    /// An unpublished manuscript.
    public static let manuscript = WorkType(known: "manuscript")
    /// Anything else.
    public static let document = WorkType(known: "document")
    /// A dataset.
    public static let dataset = WorkType(known: "dataset")
    /// Software.
    public static let software = WorkType(known: "software")
    /// A pamphlet or booklet.
    public static let pamphlet = WorkType(known: "pamphlet")
    /// A patent.
    public static let patent = WorkType(known: "patent")
    /// A collection or proceedings volume.
    public static let collection = WorkType(known: "collection")
    /// An entry in an encyclopedia.
    public static let entryEncyclopedia = WorkType(known: "entry-encyclopedia")
    /// A magazine article.
    public static let articleMagazine = WorkType(known: "article-magazine")
    /// A newspaper article.
    public static let articleNewspaper = WorkType(known: "article-newspaper")
    /// A standard.
    public static let standard = WorkType(known: "standard")
    /// A periodical.
    public static let periodical = WorkType(known: "periodical")
    /// A recording (biblatex's `@audio`, `@music`).
    public static let song = WorkType(known: "song")
    /// A film or video (`@video`, `@movie`).
    public static let motionPicture = WorkType(known: "motion_picture")
    /// An image or artwork (`@image`, `@artwork`).
    public static let graphic = WorkType(known: "graphic")
    /// A law or bill (`@legislation`).
    public static let legislation = WorkType(known: "legislation")
    /// A court decision (`@jurisdiction`).
    public static let legalCase = WorkType(known: "legal_case")
    /// A letter (`@letter`).
    public static let personalCommunication = WorkType(known: "personal_communication")
    /// A performance (`@performance`).
    public static let performance = WorkType(known: "performance")
    /// A review (`@review`).
    public static let review = WorkType(known: "review")
    /// A talk or presentation.
    public static let speech = WorkType(known: "speech")

    /// Whether the work's venue is the book or proceedings it is part of
    /// (BibTeX's `booktitle`) rather than a journal.
    public var isPartOfBook: Bool {
        [Self.paperConference, .chapter, .entryEncyclopedia, .entry, .init(known: "entry-dictionary")].contains(self)
    }

    static let entry = WorkType(known: "entry")

    /// The type a paper without one is taken for: a journal article when it has a
    /// venue, a preprint when it has an arXiv id; nil otherwise. A paper is not
    /// given the type it would be taken for anyway.
    public static func implied(venue: String?, isPreprint: Bool) -> WorkType? {
        venue != nil ? .articleJournal : isPreprint ? .article : nil
    }
}
