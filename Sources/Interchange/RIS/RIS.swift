import Foundation
import Model

/// Reads RIS files (EndNote, Zotero, Mendeley, publishers' "export citation").
///
/// Each record runs from `TY  - ` to `ER  - `; a line without a tag continues the
/// field above it, and text between records (Ovid's `1.`, a database's `Record #1
/// of 2` header) is skipped. Read into each paper: `TY` as its work type, `TI`/`T1` title,
/// `AU`/`A1` authors (`Family, Given, Suffix`; a name without a comma is an
/// organisation's, kept whole), `PY`/`Y1`/`DA` date, `DO` DOI, `UR` URL, `AB`/`N2`
/// abstract, `T2`/`JO`/`JF`/`BT` venue, the fields of ``BibliographicField`` that RIS
/// has, and the arXiv id from an arxiv.org URL or an arXiv DOI. Errors name the line.
public enum RIS {
    /// The drafts of every record, in file order.
    ///
    /// With `problems.skipping`, a bad record or stray line is handed to it and the
    /// read goes on; with `problems.warning`, a record that says no title, DOI or
    /// arXiv id is kept with a warning.
    public static func parse(_ text: String, file: String, problems: ImportProblems = ImportProblems()) throws(ImportError) -> [PaperDraft] {
        try problems.drafts(in: text, file: file, reader: read)
    }

    /// Reads the records of UTF-8 bytes line by line, handing each to `emit` as its `ER` line ends it.
    static func read(_ bytes: FileBytes, file: String, emit: (ReadRecord) throws -> Void) throws {
        let source = ImportError.source("ris", file: file)
        var fields: [(tag: String, value: String)] = []
        var start: Int?
        var lines = bytes.lines
        while let (lineNumber, text) = lines.next() {
            let line = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : text[...]
            if let (tag, value) = tagged(line) {
                if tag == "TY" {
                    if let start { try emit(.bad(ImportError(file: file, line: start, reason: "the record has no ER line before the next TY"))) }
                    start = lineNumber
                    fields = [(tag, value)]
                } else if tag == "ER" {
                    guard let recordStart = start else {
                        try emit(.bad(ImportError(file: file, line: lineNumber, reason: "ER without a TY line before it")))
                        continue
                    }
                    let record: ReadRecord
                    do throws(ImportError) {
                        let made = try draft(fields, line: recordStart, file: file, source: source)
                        record = made.saysWhichWork ? .paper(made)
                            : .questionable(made, ImportError(file: file, line: recordStart, reason: "the record has no title (TI), DOI (DO) or arXiv URL"))
                    } catch {
                        record = .bad(error)
                    }
                    try emit(record)
                    start = nil
                    fields = []
                } else {
                    guard start != nil else {
                        try emit(.bad(ImportError(file: file, line: lineNumber, reason: "\(tag) outside a record: a record starts with a TY line")))
                        continue
                    }
                    fields.append((tag, value))
                }
            } else if !line.allSatisfy(\.isWhitespace) {
                // Between records, text is what databases write there (`Record #1 of 2`,
                // `Provider: …`, Ovid's `1.`): skipped, as BibTeX skips text between entries.
                if start == nil { continue }
                guard !fields.isEmpty else {
                    try emit(.bad(ImportError(file: file, line: lineNumber, reason: "expected a tagged line such as 'TY  - JOUR'")))
                    continue
                }
                fields[fields.count - 1].value += " " + line.trimmingSpaces()
            }
        }
        if let start { try emit(.bad(ImportError(file: file, line: start, reason: "the record has no ER line"))) }
    }

    /// Whether a text starts like RIS: its first tagged line is `TY  - …`.
    public static func looksLikeRIS(_ text: String) -> Bool {
        // The first tagged line, after at most a few lines of a database's header, is a TY.
        let lines = text.split(whereSeparator: \.isNewline).lazy
            .map({ $0.hasPrefix("\u{FEFF}") ? $0.dropFirst() : $0 })
            .filter({ !$0.allSatisfy(\.isWhitespace) }).prefix(12)
        guard let first = lines.first(where: { tagged($0) != nil }) else { return false }
        return tagged(first)?.tag == "TY"
    }

    /// `XX  - value` → (XX, value).
    static func tagged(_ line: Substring) -> (tag: String, value: String)? {
        let chars = Array(line.prefix(6))
        guard chars.count >= 5, chars[0].isUppercase || chars[0].isNumber, chars[1].isUppercase || chars[1].isNumber,
              chars[2] == " ", chars[3] == " ", chars[4] == "-" else { return nil }
        let value = line.dropFirst(5).trimmingSpaces()
        return (String(chars[0...1]), value)
    }

    static func draft(_ fields: [(tag: String, value: String)], line: Int, file: String, source: String) throws(ImportError) -> PaperDraft {
        func first(_ tags: String...) -> String? {
            for tag in tags {
                if let value = fields.first(where: { $0.tag == tag && !$0.value.isEmpty })?.value { return TextNormalization.singleLine(value) }
            }
            return nil
        }
        var draft = PaperDraft(title: first("TI", "T1", "CT") ?? "")
        (draft.authorNames, draft.hasMoreAuthors) = names(fields.filter { ["AU", "A1"].contains($0.tag) }.map(\.value))
        // DA (2024/05/30) is often more precise than PY (2024): prefer it when it has a year.
        var date = first("PY", "Y1")
        if let precise = first("DA"), Int(precise.prefix(4)) != nil { date = precise }
        if let date {
            let parts = date.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if let year = Int(parts[0].prefix(4)), (1000...9999).contains(year) {
                draft.year = year
                var published = String(year)
                if parts.count > 1, let month = Int(parts[1]), (1...12).contains(month) {
                    published += "-" + (month < 10 ? "0" : "") + String(month)
                    if parts.count > 2, let day = Int(parts[2]), (1...31).contains(day) {
                        published += "-" + (day < 10 ? "0" : "") + String(day)
                    }
                }
                draft.published = published
            }
        }
        draft.doi = first("DO").flatMap(DOI.init)
        draft.url = first("UR")
        if let abstract = first("AB", "N2") { draft.abstract = abstract }
        draft.venue = first("T2", "JO", "JF", "BT", "J2")
        if let start = first("SP") { draft.pages = first("EP").map { start + "–" + $0 } ?? start }
        if let doi = draft.doi?.value, doi.hasPrefix("10.48550/arxiv.") { draft.arxiv = ArXivID(String(doi.dropFirst("10.48550/arxiv.".count))) }
        if draft.arxiv == nil, let url = draft.url { draft.arxiv = ArXivID(url) }
        if let venue = draft.venue, venue.lowercased().hasPrefix("arxiv") { draft.venue = nil }
        draft.pdfURL = first("L1")
        if let accession = first("AN"), accession.lowercased().hasPrefix("arxiv:") {
            draft.arxiv = ArXivID(String(accession.dropFirst(6))) ?? draft.arxiv
        }
        draft.tags = Array(Set(fields.filter { $0.tag == "KW" }.compactMap { try? TagName($0.value) })).sorted()
        draft.citeKey = first("ID")
        // The type and the other bibliographic fields, kept as BibTeX writes them.
        if let type = first("TY") { draft.workType = workTypes[type.uppercased()] }
        if draft.workType == .article, draft.arxiv == nil { draft.workType = .manuscript }
        for (tag, field) in BibliographicField.byRIS {
            if field.isNameList {
                let (names, more) = names(fields.filter { $0.tag == tag }.map(\.value))
                if !names.isEmpty { draft.bibFields[field.name] = BibliographicField.stored(names, more: more) }
            } else if let value = first(tag) {
                // SN holds an ISBN or an ISSN (`1234-5678`).
                let isISSN = tag == "SN" && value.count == 9 && value.dropFirst(4).first == "-"
                draft.bibFields[isISSN ? "issn" : field.name] = BibliographicField.stored(value)
            }
        }
        draft.source = source
        draft.line = line
        return draft
    }
}

extension RIS {
    /// Work types by RIS type (`TY`).
    static let workTypes: [String: WorkType] = [
        "JOUR": .articleJournal, "EJOUR": .articleJournal, "MGZN": .articleMagazine, "NEWS": .articleNewspaper,
        "CONF": .paperConference, "CPAPER": .paperConference, "BOOK": .book, "EBOOK": .book, "EDBOOK": .collection,
        "CHAP": .chapter, "ECHAP": .chapter, "THES": .thesis, "RPRT": .report, "ELEC": .webpage, "WEB": .webpage,
        "UNPB": .article, "MANSCPT": .manuscript, "GEN": .document, "DATA": .dataset, "COMP": .software,
        "PAT": .patent, "PAMP": .pamphlet, "STAND": .standard, "ENCYC": .entryEncyclopedia, "JFULL": .periodical,
    ]

    /// The RIS type of a work type.
    static func risType(for type: WorkType) -> String {
        switch type {
        case .articleJournal: "JOUR"
        case .articleMagazine: "MGZN"
        case .articleNewspaper: "NEWS"
        case .paperConference: "CPAPER"
        case .book: "BOOK"
        case .collection: "EDBOOK"
        case .chapter: "CHAP"
        case .thesis: "THES"
        case .report: "RPRT"
        case .webpage: "ELEC"
        case .article: "UNPB"
        case .manuscript: "MANSCPT"
        case .dataset: "DATA"
        case .software: "COMP"
        case .patent: "PAT"
        case .pamphlet: "PAMP"
        case .standard: "STAND"
        case .entryEncyclopedia: "ENCYC"
        case .periodical: "JFULL"
        default: "GEN"
        }
    }
}

extension RIS {
    /// The names of a list of `AU` (or `ED`) values, and whether the last says
    /// "and others" (`et al.`, as RIS exports write it; `Others` is a name).
    static func names(_ values: [String]) -> ([PersonName], more: Bool) {
        let more = values.last.map { BibTeXName.etAl.contains(TextNormalization.singleLine($0).lowercased()) } ?? false
        return ((more ? values.dropLast() : values[...]).compactMap(name), more)
    }

    /// An `AU` value: `Family, Given` or `Family, Given, Suffix`, the leading
    /// lower-case words of the family part its particle (`van den Heuvel`); a name
    /// without a comma is an organisation's (`World Health Organization`), as
    /// Zotero and EndNote read it, unless it is one word.
    static func name(_ value: String) -> PersonName? {
        let parts = value.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map { TextNormalization.singleLine(String($0)) }
        let name: PersonName
        if parts.count == 1 {
            name = parts[0].contains(" ") ? PersonName(literal: parts[0]) : PersonName(family: parts[0])
        } else {
            let (particle, family) = PersonName.splitParticle(parts[0])
            name = PersonName(family: family, given: parts[1], particle: particle, suffix: parts.count == 3 ? parts[2] : "")
        }
        return name.isEmpty ? nil : name
    }
}

extension ImportFormat {
    /// RIS.
    public static let ris = ImportFormat(name: "ris", recognises: RIS.looksLikeRIS, isText: true, reader: RIS.read)
}
