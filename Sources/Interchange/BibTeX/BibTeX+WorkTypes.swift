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
        case .dataset, .software, .patent, .periodical, .standard: return biblatex ? type.rawValue : "misc"
        default: return "misc"
        }
    }
}
