import Model

/// The bibliographic fields a paper keeps beyond its own (``Model/Paper/bibFields``),
/// and their names in each format: one table, so that a field read from any format
/// goes out to every other that has it.
///
/// Fields are named as BibLaTeX names them; values are as a BibTeX file holds them
/// (LaTeX, name lists as `Family, Given and ...`).
struct BibliographicField: Sendable {
    /// The BibLaTeX name (`location`).
    let name: String
    /// The CSL variable (`publisher-place`), if CSL has one.
    let csl: String?
    /// The RIS tag (`CY`), if RIS has one.
    let ris: String?
    /// Whether it is a list of names (`editor`).
    var isNameList = false

    /// Every field the other formats have, in the order exports write them.
    static let all: [BibliographicField] = [
        .init(name: "editor", csl: "editor", ris: "ED", isNameList: true),
        .init(name: "translator", csl: "translator", ris: nil, isNameList: true),
        .init(name: "booktitle", csl: nil, ris: nil),
        .init(name: "eventtitle", csl: "event-title", ris: nil),
        .init(name: "series", csl: "collection-title", ris: "T3"),
        .init(name: "volume", csl: "volume", ris: "VL"),
        .init(name: "number", csl: "issue", ris: "IS"),
        .init(name: "edition", csl: "edition", ris: "ET"),
        .init(name: "chapter", csl: "chapter-number", ris: nil),
        .init(name: "publisher", csl: "publisher", ris: "PB"),
        .init(name: "institution", csl: nil, ris: nil),
        .init(name: "location", csl: "publisher-place", ris: "CY"),
        .init(name: "isbn", csl: "ISBN", ris: "SN"),
        .init(name: "issn", csl: "ISSN", ris: nil),
        .init(name: "pagetotal", csl: "number-of-pages", ris: nil),
        .init(name: "volumes", csl: "number-of-volumes", ris: nil),
        .init(name: "version", csl: "version", ris: nil),
        .init(name: "language", csl: "language", ris: "LA"),
        .init(name: "howpublished", csl: "medium", ris: nil),
        .init(name: "note", csl: "note", ris: "N1"),
    ]

    /// The field of a CSL variable.
    static let byCSL: [String: BibliographicField] = Dictionary(uniqueKeysWithValues: all.compactMap { f in f.csl.map { ($0, f) } })
    /// The field of a RIS tag.
    static let byRIS: [String: BibliographicField] = Dictionary(uniqueKeysWithValues: all.compactMap { f in f.ris.map { ($0, f) } })

    /// BibTeX's names that BibLaTeX renamed: read into the BibLaTeX name.
    static let bibtexAliases = ["address": "location", "school": "institution", "annote": "annotation"]

    /// The name a field read from BibTeX is kept under: BibLaTeX's, unless the entry
    /// also has the BibLaTeX field (`address` and `location` both: a publisher's
    /// place and a conference's), when each keeps its own.
    static func biblatexName(of name: String, in entry: BibTeXParser.Entry) -> String {
        guard let renamed = bibtexAliases[name], entry.value(renamed) == nil else { return name }
        return renamed
    }

    /// The name a BibTeX export writes a kept field under: BibTeX's own (`address`,
    /// `annote`, a thesis's `school`), unless the paper also keeps that field.
    static func bibtexName(of name: String, in paper: Paper) -> String {
        guard let old = bibtexAliases.first(where: { $0.value == name })?.key, paper.bibFields[old] == nil,
              name != "institution" || paper.workType == .thesis else { return name }
        return old
    }

    /// Name-list fields, as biber knows them: kept as written.
    static let nameLists: Set<String> = [
        "editor", "editora", "editorb", "editorc", "translator", "annotator", "commentator", "introduction",
        "foreword", "afterword", "bookauthor", "holder", "namea", "nameb", "namec", "shortauthor", "shorteditor",
    ]

    /// A field's text for formats without LaTeX (not a name list: those go out as names).
    static func text(_ value: String) -> String { LaTeX.text(value) }

    /// A text from a format without LaTeX, as ``Model/Paper/bibFields`` keeps it.
    static func stored(_ text: String) -> String { LaTeX.escape(TextNormalization.singleLine(text)) }

    /// Names from a format without LaTeX, as a BibTeX name list (`and others`
    /// at its end when the list goes on).
    static func stored(_ names: [PersonName], more: Bool = false) -> String {
        BibTeXName.written(names, more: more, dialect: .bibtex)
    }
}
