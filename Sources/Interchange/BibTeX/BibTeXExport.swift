import Model

/// Writes papers as BibTeX or BibLaTeX entries, one at a time, so that an export
/// of any size holds one entry in memory.
///
/// Text is escaped with ``LaTeX/escape(_:protectingCase:)`` (math kept), names are
/// written as bibtex reads them back (``BibTeXName``), tags become `keywords`. arXiv preprints follow each
/// dialect's convention: BibTeX `@misc` with `eprint`, `archivePrefix` and
/// `primaryClass`; BibLaTeX `@online` with `eprint`, `eprinttype = {arxiv}` and
/// `eprintclass`. A paper with a venue is an `@article` in both. BibLaTeX entries
/// carry the keys of entries merged into the paper as `ids`.
///
/// ```swift
/// var export = BibTeXExport(output: "", dialect: .biblatex)
/// export.write(detail, key: "vaswani2017attention")
/// print(export.finish())
/// ```
public struct BibTeXExport<Output: TextOutput> {
    /// Which of the two field conventions to write.
    public typealias Dialect = BibTeXDialect

    /// Where the entries go.
    public private(set) var output: Output
    let dialect: Dialect
    private var count = 0
    /// The `@preamble`s written so far.
    private var preamblesWritten: Set<String> = []

    /// Creates an export that writes to `output`.
    public init(output: Output, dialect: Dialect) {
        self.output = output
        self.dialect = dialect
    }

    /// Writes one paper's entry under `key`.
    public mutating func write(_ detail: PaperDetail, key: String) {
        let p = detail.paper
        var fields: [(String, String)] = []
        func add(_ name: String, _ value: String?, raw: Bool = false) {
            guard let value, !value.isEmpty else { return }
            fields.append((name, raw ? value : "{" + value + "}"))
        }
        // A field still as its source wrote it goes out as written; else escaped.
        add("title", LaTeX.source(p.latex["title"]) { LaTeX.text($0) == p.title } ?? LaTeX.escape(p.title, protectingCase: true))
        if !p.authors.isEmpty {
            add("author", LaTeX.source(p.latex["authors"]) { BibTeXName.names($0).map(\.displayName) == p.authors }
                ?? BibTeXName.written(p.names, more: p.hasMoreAuthors, dialect: dialect))
        }
        let venue = p.venue.map { venue in LaTeX.source(p.latex["venue"]) { LaTeX.text($0) == venue } ?? LaTeX.escape(venue) }
        // The venue is a journal, or the book or proceedings the work is part of.
        let partOfBook = p.workType?.isPartOfBook == true
        // A year or month kept as written (`{\noopsort{1973b}}1973`, `April-May`), while the year agrees.
        let writtenYear = p.bibFields["year"].flatMap { year in p.year.map { LaTeX.text(year).contains(String($0)) } ?? true ? year : nil }
        let writtenMonth = p.bibFields["month"]
        func addYearAndMonth() {
            add("year", writtenYear ?? p.year.map(String.init))
            if let writtenMonth { add("month", writtenMonth) } else if let month = BibTeX.month(p.published) { add("month", BibTeX.monthMacros[month - 1], raw: true) }
        }
        switch dialect {
        case .bibtex:
            addYearAndMonth()
            add(partOfBook ? "booktitle" : "journal", venue)
            if let arxiv = p.arxiv {
                add("eprint", arxiv.description)
                add("archivePrefix", "arXiv")
                add("primaryClass", p.categories.first.map { LaTeX.escape($0) })
            }
        case .biblatex:
            // The keys of entries merged into the paper, after the source's own `ids`:
            // biber resolves `\cite` of any of them.
            let own = p.bibFields["ids"].map { [$0] } ?? []
            let listed = Set(own.joined().split(separator: ",").map { $0.filter { !$0.isWhitespace } })
            let ids = own + p.citeAliases.filter { !listed.contains($0) }
            add("ids", ids.isEmpty ? nil : ids.joined(separator: ","))
            // A date reader does not hold (a range, a season, BCE) as written, while the year agrees.
            let written = p.bibFields["date"].flatMap { date in p.year.map { date.hasPrefix(String($0)) } == true ? date : nil }
            if written == nil, writtenYear != nil || writtenMonth != nil { addYearAndMonth() } else { add("date", written ?? p.published ?? p.year.map(String.init)) }
            add(partOfBook ? "booktitle" : "journaltitle", venue)
            if let arxiv = p.arxiv {
                add("eprint", arxiv.description)
                add("eprinttype", "arxiv")
                add("eprintclass", p.categories.first.map { LaTeX.escape($0) })
            }
        }
        let type = BibTeX.entryType(of: p, dialect: dialect)
        // The other bibliographic fields, as written; BibTeX's own names in BibTeX.
        for name in p.bibFields.keys.sorted() where !name.hasPrefix("@") && !fields.contains(where: { $0.0 == name }) {
            guard let value = p.bibFields[name] else { continue }
            let written = dialect == .bibtex ? BibliographicField.bibtexName(of: name, in: p) : name
            add(written, LaTeX.isBalanced(value) ? value : LaTeX.escape(LaTeX.text(value)))
        }
        add("pages", p.pages.map { LaTeX.escape($0).replacingOccurrences(of: "–", with: "--") })
        add("doi", p.doi.map { BibTeX.verbatim($0.written) })
        add("url", p.url.map(BibTeX.verbatim))
        add("keywords", detail.tags.isEmpty ? nil : LaTeX.escape(detail.tags.map(\.value).joined(separator: ", ")))
        // Stored text is already NFC; escaping turns line breaks and tabs into spaces.
        add("abstract", p.abstract.map { abstract in LaTeX.source(p.latex["abstract"]) { LaTeX.text($0) == abstract } ?? LaTeX.escape(abstract) })

        var entry = count == 0 ? "" : "\n"
        // The macros the entry uses, defined once before the first entry that uses them.
        if let preamble = p.bibFields["@preamble"], LaTeX.isBalanced(preamble), preamblesWritten.insert(preamble).inserted {
            entry += "@preamble{ {" + preamble + "} }\n\n"
        }
        entry += "@" + type + "{" + key
        for (name, value) in fields { entry += ",\n  " + name + " = " + value }
        if fields.isEmpty { entry += "," }  // biber wants the comma after a key even with no field
        entry += "\n}\n"
        output.write(entry)
        count += 1
    }

    /// The output, when every entry is written.
    public mutating func finish() -> Output { output }
}

extension BibTeX {
    /// A paper's entry type: the source's own when it says the paper's work type
    /// (`@mastersthesis`, `@conference`, `@video`) or reader has no work type for it
    /// (`@nameonly`), where the dialect has it (BibTeX: the classic styles' types);
    /// else its work type's; without either, `@article` for a paper with a venue and
    /// a preprint's type for an arXiv paper.
    static func entryType(of paper: Paper, dialect: BibTeXDialect) -> String {
        if let own = paper.bibFields["@type"], dialect == .biblatex || bibtexTypes.contains(own),
           paper.workType == nil || workType(own, isPreprint: paper.arxiv != nil) == paper.workType {
            return own
        }
        guard let type = paper.workType else {
            return paper.venue != nil ? "article" : paper.arxiv != nil && dialect == .biblatex ? "online" : "misc"
        }
        return entryType(for: type, dialect: dialect)
    }

    /// A verbatim field (`url`, `doi`, `eprint`) as written, biber and hyperref read
    /// it without LaTeX; white space is dropped, and braces, when they would
    /// unbalance the entry, are percent-encoded (balanced ones stay as written).
    static func verbatim(_ text: String) -> String {
        let kept = text.filter { !$0.isWhitespace }
        guard !LaTeX.isBalanced(kept) else { return kept }
        var out = ""
        for c in kept {
            switch c {
            case "{": out += "%7B"
            case "}": out += "%7D"
            default: out.append(c)
            }
        }
        return out
    }

    static let monthMacros = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The month of `2024-05` or `2024-05-30`.
    static func month(_ published: String?) -> Int? {
        guard let published, published.count >= 7 else { return nil }
        let digits = published.dropFirst(5).prefix(2)
        return Int(digits).flatMap { (1...12).contains($0) ? $0 : nil }
    }
}

/// Which of the two field conventions a BibTeX export writes.
public enum BibTeXDialect: Sendable {
    /// Classic BibTeX (`year`, `month`, `journal`, `archivePrefix`).
    case bibtex
    /// BibLaTeX, read by biber (`date`, `journaltitle`, `eprinttype`).
    case biblatex
}

extension BibTeXExport: PaperWriter {}

extension ExportFormat {
    /// BibTeX, for bibtex and natbib.
    public static let bibtex = ExportFormat(name: "bibtex", needsCitationKeys: true, needsAnnotations: false, writers: BibTeXWriters(dialect: .bibtex))
    /// BibLaTeX, for biber.
    public static let biblatex = ExportFormat(name: "biblatex", needsCitationKeys: true, needsAnnotations: false, writers: BibTeXWriters(dialect: .biblatex))
}

struct BibTeXWriters: PaperWriterFactory {
    let dialect: BibTeXDialect
    func writer(to output: FileOutput) -> any PaperWriter<FileOutput> { BibTeXExport(output: output, dialect: dialect) }
}
