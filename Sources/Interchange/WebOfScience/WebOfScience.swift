import Foundation
import Model

/// Reads Web of Science's tagged export ("Plain text file" or "Tab-delimited" is not
/// this; the file starts `FN Clarivate Analytics Web of Science`).
///
/// Each record runs from `PT` to `ER`; a tag is two letters or digits and a space at
/// the start of a line, and a line starting with three spaces continues the field
/// above: a new value for the lists (`AF`/`AU` authors, `BE`/`ED` editors), the same
/// value for the others. Read into each paper: `PT` and `DT` as its work type
/// (`Proceedings Paper` a conference paper), `TI` title, `AF` (else `AU`) authors as
/// `Family, Given`, `SO` venue, `PY` and `PD` date, `DI` DOI, `AB` abstract, `BP`-`EP`
/// (else `AR`) pages, `DE` author keywords as tags, and `VL`, `IS`, `PU`, `PI`, `SN`,
/// `EI`, `BN`, `SE`, `LA`, `JI`, `UT` and `PM` as bibliographic fields. The citing
/// data (`CR`, `TC`, `NR`, addresses, funding) is not the work's and is left out.
public enum WebOfScience {
    /// The drafts of every record, in file order; a record without `ER` before the
    /// next `PT` or the end, or a stray line, is an error naming its line.
    public static func parse(_ text: String, file: String, problems: ImportProblems = ImportProblems()) throws(ImportError) -> [PaperDraft] {
        try problems.drafts(in: text, file: file, reader: read)
    }

    /// Reads the records of UTF-8 bytes line by line, handing each to `emit` as its `ER` line ends it.
    static func read(_ bytes: FileBytes, file: String, emit: (ReadRecord) throws -> Void) throws {
        let source = ImportError.source("wos", file: file)
        var fields: [(tag: String, values: [String])] = []
        var start: Int?
        var lines = bytes.lines
        while let (lineNumber, text) = lines.next() {
            let line = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : text[...]
            if line.hasPrefix("   "), start != nil, !fields.isEmpty {
                fields[fields.count - 1].values.append(line.trimmingSpaces())
                continue
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let (tag, value) = tagged(line) else {
                try emit(.bad(ImportError(file: file, line: lineNumber, reason: "expected a tagged line such as 'PT J' (two letters, a space, the value)")))
                continue
            }
            switch tag {
            case "FN", "VR", "EF":
                // The file's header and end.
                continue
            case "PT":
                if let start { try emit(.bad(ImportError(file: file, line: start, reason: "the record has no ER line before the next PT"))) }
                start = lineNumber
                fields = [(tag, [value])]
            case "ER":
                guard let recordStart = start else {
                    try emit(.bad(ImportError(file: file, line: lineNumber, reason: "ER without a PT line before it")))
                    continue
                }
                let made = draft(fields, line: recordStart, source: source)
                try emit(made.saysWhichWork ? .paper(made)
                    : .questionable(made, ImportError(file: file, line: recordStart, reason: "the record has no title (TI) or DOI (DI)")))
                start = nil
                fields = []
            default:
                guard start != nil else {
                    try emit(.bad(ImportError(file: file, line: lineNumber, reason: "\(tag) outside a record: a record starts with a PT line")))
                    continue
                }
                fields.append((tag, [value]))
            }
        }
        if let start { try emit(.bad(ImportError(file: file, line: start, reason: "the record has no ER line"))) }
    }

    /// Whether a text starts like a Web of Science export: `FN` (the file's header)
    /// or `PT` (a record) on its first line.
    public static func looksLikeWebOfScience(_ text: String) -> Bool {
        guard let first = text.split(whereSeparator: \.isNewline).lazy
            .map({ $0.hasPrefix("\u{FEFF}") ? $0.dropFirst() : $0 })
            .first(where: { !$0.allSatisfy(\.isWhitespace) }),
            let tag = tagged(first)?.tag
        else { return false }
        return tag == "FN" ? first.contains("Web of Science") : tag == "PT" && text.contains("\nER")
    }

    /// `XX value` → (XX, value).
    static func tagged(_ line: Substring) -> (tag: String, value: String)? {
        let chars = Array(line.prefix(3))
        guard chars.count >= 2, chars[0].isASCII, chars[0].isUppercase || chars[0].isNumber,
              chars[1].isASCII, chars[1].isUppercase || chars[1].isNumber,
              chars.count == 2 || chars[2] == " " else { return nil }
        return (String(chars[0...1]), line.dropFirst(2).trimmingSpaces())
    }

    static func draft(_ fields: [(tag: String, values: [String])], line: Int, source: String) -> PaperDraft {
        /// A field's lines as one value.
        func first(_ tag: String) -> String? {
            guard let values = fields.first(where: { $0.tag == tag })?.values else { return nil }
            let value = TextNormalization.singleLine(values.joined(separator: " "))
            return value.isEmpty ? nil : value
        }
        /// A list field: one value per line.
        func list(_ tag: String) -> [String] {
            fields.filter { $0.tag == tag }.flatMap(\.values).map(TextNormalization.singleLine).filter { !$0.isEmpty }
        }
        var draft = PaperDraft(title: first("TI") ?? "")
        let authors = list("AF").isEmpty ? list("AU") : list("AF")
        (draft.authorNames, draft.hasMoreAuthors) = RIS.names(authors)
        if let year = first("PY").flatMap({ Int($0.prefix(4)) }), (1000...9999).contains(year) {
            draft.year = year
            draft.published = String(year) + (first("PD").map(monthAndDay) ?? "")
        }
        draft.doi = first("DI").flatMap(DOI.init)
        draft.abstract = first("AB")
        draft.venue = first("SO")
        if let start = first("BP") { draft.pages = first("EP").map { start + "–" + $0 } ?? start } else { draft.pages = first("AR") }
        if let doi = draft.doi?.value, doi.hasPrefix("10.48550/arxiv.") { draft.arxiv = ArXivID(String(doi.dropFirst("10.48550/arxiv.".count))) }
        draft.tags = Array(Set(list("DE").flatMap { $0.split(separator: ";") }.compactMap { try? TagName(String($0).trimmingCharacters(in: .whitespaces)) })).sorted()
        draft.workType = workType(pt: first("PT"), dt: first("DT"))
        let editors = list("BE").isEmpty ? list("ED") : list("BE")
        let (names, more) = RIS.names(editors)
        if !names.isEmpty { draft.bibFields["editor"] = BibliographicField.stored(names, more: more) }
        // By BibLaTeX's names (and, for the ids, by the field names of Web of Science's own BibTeX export).
        let kept = [("VL", "volume"), ("IS", "number"), ("PU", "publisher"), ("PI", "location"), ("SN", "issn"), ("EI", "eissn"),
                    ("BN", "isbn"), ("SE", "series"), ("LA", "language"), ("JI", "shortjournal"), ("UT", "unique-id"), ("PM", "pmid")]
        for (tag, name) in kept {
            if let value = first(tag) { draft.bibFields[name] = BibliographicField.stored(value) }
        }
        draft.source = source
        draft.line = line
        return draft
    }

    /// `-06` or `-06-08` from a publication date such as `JUN 8`, `JUN`, `SPR` (none)
    /// or `2004 JUN 8`.
    static func monthAndDay(_ text: String) -> String {
        let words = text.uppercased().split(separator: " ").filter { Int($0) == nil || $0.count <= 2 }
        guard let monthWord = words.first, let month = months.firstIndex(of: String(monthWord.prefix(3))) else { return "" }
        var result = "-" + (month < 9 ? "0" : "") + String(month + 1)
        if words.count > 1, let day = Int(words[1]), (1...31).contains(day) { result += "-" + (day < 10 ? "0" : "") + String(day) }
        return result
    }

    static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

    /// `PT` J (journal), B (book), S (series), P (patent); `DT` says more (`Proceedings
    /// Paper`, `Book Chapter`, `Review`, `Editorial Material`).
    static func workType(pt: String?, dt: String?) -> WorkType? {
        let document = dt?.lowercased() ?? ""
        if document.contains("proceedings paper") { return .paperConference }
        if document.contains("book chapter") { return .chapter }
        switch pt?.uppercased() {
        case "J": return .articleJournal
        case "B": return document.isEmpty || document.contains("book") ? .book : .chapter
        case "P": return .patent
        default: return nil
        }
    }
}

extension ImportFormat {
    /// Web of Science's tagged export.
    public static let webOfScience = ImportFormat(name: "wos", recognises: WebOfScience.looksLikeWebOfScience, isText: true, reader: WebOfScience.read)
}
