import Foundation
import Model

/// Reads RIS files (EndNote, Zotero, Mendeley, publishers' "export citation").
///
/// Each record runs from `TY  - ` to `ER  - `; a line without a tag continues the
/// field above it, and a number alone between records (`1.`, as Ovid numbers them)
/// is skipped. Read into each paper: `TY` as its work type, `TI`/`T1` title,
/// `AU`/`A1` authors (`Family, Given, Suffix`; a name without a comma is an
/// organisation's, kept whole), `PY`/`Y1`/`DA` date, `DO` DOI, `UR` URL, `AB`/`N2`
/// abstract, `T2`/`JO`/`JF`/`BT` venue, the fields of ``BibliographicField`` that RIS
/// has, and the arXiv id from an arxiv.org URL or an arXiv DOI. Errors name the line.
public enum RIS {
    /// The drafts of every record, in file order.
    ///
    /// With `skipping`, a bad record or stray line is handed to it and the read goes on.
    public static func parse(_ text: String, file: String, skipping: ((ImportError) -> Void)? = nil) throws(ImportError) -> [PaperDraft] {
        func problem(_ error: ImportError) throws(ImportError) {
            guard let skipping else { throw error }
            skipping(error)
        }
        let source = ImportError.source("ris", file: file)
        var drafts: [PaperDraft] = []
        var fields: [(tag: String, value: String)] = []
        var start: Int?
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = rawLine.hasPrefix("\u{FEFF}") ? rawLine.dropFirst() : rawLine
            if let (tag, value) = tagged(line) {
                if tag == "TY" {
                    if let start { try problem(ImportError(file: file, line: start, reason: "the record has no ER line before the next TY")) }
                    start = lineNumber
                    fields = [(tag, value)]
                } else if tag == "ER" {
                    guard let recordStart = start else {
                        try problem(ImportError(file: file, line: lineNumber, reason: "ER without a TY line before it"))
                        continue
                    }
                    do { drafts.append(try draft(fields, line: recordStart, file: file, source: source)) } catch { try problem(error) }
                    start = nil
                    fields = []
                } else {
                    guard start != nil else {
                        try problem(ImportError(file: file, line: lineNumber, reason: "\(tag) outside a record: a record starts with a TY line"))
                        continue
                    }
                    fields.append((tag, value))
                }
            } else if !line.allSatisfy(\.isWhitespace) {
                if start == nil, isRecordNumber(line) { continue }
                guard start != nil, !fields.isEmpty else {
                    try problem(ImportError(file: file, line: lineNumber, reason: "expected a tagged line such as 'TY  - JOUR'"))
                    continue
                }
                fields[fields.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            }
        }
        if let start { try problem(ImportError(file: file, line: start, reason: "the record has no ER line")) }
        return drafts
    }

    /// Whether a text starts like RIS: its first non-blank line is `TY  - …`.
    public static func looksLikeRIS(_ text: String) -> Bool {
        guard let first = text.split(whereSeparator: \.isNewline).lazy
            .map({ $0.hasPrefix("\u{FEFF}") ? $0.dropFirst() : $0 })
            .first(where: { !$0.allSatisfy(\.isWhitespace) && !isRecordNumber($0) }) else { return false }
        let line = first
        return tagged(line)?.tag == "TY"
    }

    /// A record's number on a line of its own before it, as Ovid and some
    /// databases write them (`1.`, `12`, `<3>`).
    static func isRecordNumber(_ line: Substring) -> Bool {
        var text = line.trimmingCharacters(in: .whitespaces)[...]
        if text.hasPrefix("<"), text.hasSuffix(">") { text = text.dropFirst().dropLast() }
        if text.hasSuffix(".") { text = text.dropLast() }
        return !text.isEmpty && text.count <= 9 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
    }

    /// `XX  - value` → (XX, value).
    static func tagged(_ line: Substring) -> (tag: String, value: String)? {
        let chars = Array(line.prefix(6))
        guard chars.count >= 5, chars[0].isUppercase || chars[0].isNumber, chars[1].isUppercase || chars[1].isNumber,
              chars[2] == " ", chars[3] == " ", chars[4] == "-" else { return nil }
        let value = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
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
        draft.authorNames = fields.filter { ["AU", "A1"].contains($0.tag) }.compactMap { name($0.value) }
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
                let names = fields.filter { $0.tag == tag }.compactMap { name($0.value) }
                if !names.isEmpty { draft.bibFields[field.name] = BibliographicField.stored(names) }
            } else if let value = first(tag) {
                // SN holds an ISBN or an ISSN (`1234-5678`).
                let isISSN = tag == "SN" && value.count == 9 && value.dropFirst(4).first == "-"
                draft.bibFields[isISSN ? "issn" : field.name] = BibliographicField.stored(value)
            }
        }
        draft.source = source
        draft.line = line
        guard !draft.title.isEmpty || draft.doi != nil || draft.arxiv != nil else {
            throw ImportError(file: file, line: line, reason: "the record has no title (TI), DOI (DO) or arXiv URL")
        }
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
    public static let ris = ImportFormat(name: "ris", recognises: RIS.looksLikeRIS, read: text { text, file, problems throws(ImportError) in
        try RIS.parse(text, file: file, skipping: problems.skipping)
    })
}
