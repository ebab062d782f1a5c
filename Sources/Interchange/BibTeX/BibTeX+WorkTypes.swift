import Model

extension BibTeX {
    /// Fields biber reads verbatim: kept byte for byte.
    static let verbatimFields: Set<String> = ["file", "pdf", "verba", "verbb", "verbc", "urlraw"]

    /// Entry types by their work type (CSL's names): BibTeX's and BibLaTeX's.
    static let workTypes: [String: WorkType] = [
        "article": .articleJournal, "inproceedings": .paperConference, "conference": .paperConference,
        "book": .book, "mvbook": .book, "reference": .book, "incollection": .chapter, "inbook": .chapter,
        "bookinbook": .chapter, "suppbook": .chapter, "suppcollection": .chapter, "phdthesis": .thesis,
        "mastersthesis": .thesis, "thesis": .thesis, "techreport": .report, "report": .report, "manual": .report,
        "online": .webpage, "www": .webpage, "electronic": .webpage, "unpublished": .manuscript,
        "misc": .document, "booklet": .pamphlet, "proceedings": .collection, "mvproceedings": .collection,
        "collection": .collection, "mvcollection": .collection, "dataset": .dataset, "software": .software,
        "patent": .patent, "periodical": .periodical, "inreference": .entryEncyclopedia, "standard": .standard,
        // biblatex's non-standard types, which its styles know
        "audio": .song, "music": .song, "video": .motionPicture, "movie": .motionPicture, "image": .graphic,
        "artwork": .graphic, "legislation": .legislation, "jurisdiction": .legalCase, "letter": .personalCommunication,
        "performance": .performance, "review": .review,
        // what Mendeley and Zotero exporters write
        "web_page": .webpage, "webpage": .webpage, "book_section": .chapter, "newspaper_article": .articleNewspaper,
        "magazine_article": .articleMagazine, "generic": .document, "presentation": .speech,
    ]

    /// The entry types plain.bst and the other classic styles know: a BibTeX export
    /// writes one of these.
    static let bibtexTypes: Set<String> = [
        "article", "book", "booklet", "conference", "inbook", "incollection", "inproceedings", "manual",
        "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
    ]

    /// The work type of an entry type; a `@misc` or `@online` with an arXiv id is a preprint.
    static func workType(_ entryType: String, isPreprint: Bool) -> WorkType? {
        if isPreprint, ["misc", "online", "unpublished"].contains(entryType) { return .article }
        return workTypes[entryType]
    }

    /// The entry type a work type is written as, in each dialect.
    static func entryType(for type: WorkType, dialect: BibTeXDialect) -> String {
        let biblatex = dialect == .biblatex
        switch type {
        case .articleJournal, .articleMagazine, .articleNewspaper: return "article"
        case .paperConference: return "inproceedings"
        case .book: return "book"
        case .chapter: return "incollection"
        case .thesis: return "phdthesis"
        case .report: return "techreport"
        case .manuscript: return "unpublished"
        case .pamphlet: return "booklet"
        case .collection: return biblatex ? "collection" : "book"
        case .entryEncyclopedia: return biblatex ? "inreference" : "incollection"
        case .webpage, .article: return biblatex ? "online" : "misc"
        case .dataset, .software, .patent, .periodical, .standard, .legislation, .performance, .review:
            return biblatex ? type.rawValue : "misc"
        case .song: return biblatex ? "audio" : "misc"
        case .motionPicture: return biblatex ? "video" : "misc"
        case .graphic: return biblatex ? "image" : "misc"
        case .legalCase: return biblatex ? "jurisdiction" : "misc"
        case .personalCommunication: return biblatex ? "letter" : "misc"
        default: return "misc"
        }
    }
}
