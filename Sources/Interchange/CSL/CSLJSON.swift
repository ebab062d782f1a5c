import Foundation
import Model

/// Reads CSL-JSON, as Zotero and pandoc export it: an array of items, or one item.
///
/// Read into each paper: `title`, `author` (given, particles, family, suffix, or a
/// `literal` name), `issued` (`date-parts`, or `raw`/`literal` text starting with a
/// year), `DOI`, `URL`, `abstract`, `container-title` as the venue, and the arXiv id
/// from `number` of an arXiv item (CSL 1.0.2 preprints), an arXiv DOI
/// (`10.48550/arXiv.…`), an arxiv.org URL or a Zotero `note` such as `arXiv:2405.12345`.
public enum CSLJSON {
    /// The drafts of every item, in file order; a bad item stops the read, named by
    /// its position and id.
    ///
    /// With `problems.skipping`, a bad item is handed to it and the read goes on; with
    /// `problems.warning`, an item that says no title, DOI or arXiv id is kept with a warning.
    public static func parse(_ data: Data, file: String, problems: ImportProblems = ImportProblems()) throws(ImportError) -> [PaperDraft] {
        try problems.drafts(in: data, file: file, reader: read)
    }

    /// Reads the items of a file one at a time, handing each to `emit`.
    static func read(_ bytes: FileBytes, file: String, emit: (ReadRecord) throws -> Void) throws {
        let source = ImportError.source("csl-json", file: file)
        try JSONRecords.forEach(in: bytes, file: file, oneObject: true, notAList: "expected a CSL-JSON item or an array of items") { index, item in
            guard case .object(let fields) = item else {
                return try emit(.bad(ImportError(file: file, line: nil, reason: "item \(index + 1): expected an object")))
            }
            let record: ReadRecord
            do throws(ImportError) {
                var draft = try draft(fields, file: file)
                draft.source = source
                if draft.saysWhichWork {
                    record = .paper(draft)
                } else {
                    let label = fields["id"].flatMap { $0.stringValue ?? $0.intValue.map(String.init) }.map { "item \(index + 1) (\($0))" } ?? "item \(index + 1)"
                    record = .questionable(draft, ImportError(file: file, line: nil, reason: "\(label): no title, DOI or arXiv id"))
                }
            } catch {
                record = .bad(error)
            }
            try emit(record)
        }
    }

    /// Whether a text starts like CSL-JSON.
    public static func looksLikeCSL(_ text: String) -> Bool {
        let start = text.drop { $0.isWhitespace }
        guard start.first == "[" || start.first == "{" else { return false }
        let head = start.prefix(4096)
        return head.contains("\"type\"") && (head.contains("\"issued\"") || head.contains("\"author\"") || head.contains("\"container-title\"") || head.contains("\"title\""))
    }

    static func draft(_ fields: [String: JSONValue], file: String) throws(ImportError) -> PaperDraft {
        func text(_ name: String) -> String? {
            switch fields[name] {
            case .string(let value)?:
                let clean = TextNormalization.singleLine(value)
                return clean.isEmpty ? nil : clean
            case .int(let value)?: return String(value)
            case .array(let values)?:
                // Crossref's lists (`"ISSN": ["1742-5689", "1742-5662"]`, an older `"title": ["…"]`).
                let parts = values.compactMap { $0.stringValue.map(TextNormalization.singleLine) }.filter { !$0.isEmpty }
                return parts.isEmpty ? nil : parts.joined(separator: "; ")
            default: return nil
            }
        }
        var draft = PaperDraft(title: text("title") ?? "")
        if case .array(let authors)? = fields["author"] {
            (draft.authorNames, draft.hasMoreAuthors) = names(authors)
        }
        if let abstract = fields["abstract"]?.stringValue {
            let clean = TextNormalization.storedText(abstract).trimmingCharacters(in: .whitespacesAndNewlines)
            draft.abstract = clean.isEmpty ? nil : clean
        }
        draft.citeKey = text("citation-key") ?? text("id").flatMap { CiteKey.isUsable($0) ? $0 : nil }
        if let keywords = text("keyword") {
            draft.tags = Array(Set(keywords.split(separator: ",").compactMap { try? TagName(String($0)) })).sorted()
        }
        if let (year, published) = date(fields["issued"]) {
            draft.year = year
            draft.published = published
        }
        draft.doi = text("DOI").flatMap(DOI.init)
        draft.url = text("URL")
        draft.venue = text("container-title")
        draft.pages = text("page")
        let archive = (text("publisher") ?? text("archive") ?? "").lowercased()
        if archive.contains("arxiv") {
            draft.arxiv = text("number").flatMap(ArXivID.init) ?? text("archive_location").flatMap(ArXivID.init)
        }
        if draft.arxiv == nil, let doi = draft.doi?.value, doi.hasPrefix("10.48550/arxiv.") {
            draft.arxiv = ArXivID(String(doi.dropFirst("10.48550/arxiv.".count)))
        }
        if draft.arxiv == nil, let url = draft.url { draft.arxiv = ArXivID(url) }
        if draft.arxiv == nil, let note = text("note"), let range = note.range(of: "arXiv:", options: .caseInsensitive) {
            draft.arxiv = ArXivID(String(note[range.lowerBound...].prefix { !$0.isWhitespace }))
        }
        if let venue = draft.venue, venue.lowercased().hasPrefix("arxiv") { draft.venue = nil }
        draft.workType = text("type").flatMap(WorkType.init(rawValue:))
        // The other bibliographic variables, kept as BibTeX writes them.
        for (variable, field) in BibliographicField.byCSL {
            if field.isNameList {
                if case .array(let values)? = fields[variable] {
                    let (parsed, more) = names(values)
                    if !parsed.isEmpty { draft.bibFields[field.name] = BibliographicField.stored(parsed, more: more) }
                }
            } else if let value = text(variable), !(draft.arxiv != nil && (variable == "publisher" && value.lowercased().contains("arxiv"))) {
                draft.bibFields[field.name] = BibliographicField.stored(value)
            }
        }
        if draft.workType == .report, draft.arxiv == nil, let number = text("number") {
            draft.bibFields["number"] = BibliographicField.stored(number)
        }
        return draft
    }

    /// The names of a CSL name list, and whether it ends with one that stands for
    /// "and others" (`{"literal": "others"}`, as pandoc writes BibTeX's).
    static func names(_ values: [JSONValue]) -> ([PersonName], more: Bool) {
        var names = values.compactMap(name)
        guard let last = names.last, let literal = last.literal, literal.lowercased() == "others" || BibTeXName.etAl.contains(literal.lowercased()) else { return (names, false) }
        names.removeLast()
        return (names, true)
    }

    /// A CSL name with its parts, or the literal name; nil when it has no text.
    static func name(_ value: JSONValue) -> PersonName? {
        guard case .object(let parts) = value else { return nil }
        func part(_ key: String) -> String { parts[key]?.stringValue ?? "" }
        let name = parts["literal"]?.stringValue.map(PersonName.init(literal:))
            ?? PersonName(family: part("family"), given: part("given"), particle: part("non-dropping-particle"),
                          droppingParticle: part("dropping-particle"), suffix: part("suffix"))
        return name.isEmpty ? nil : name
    }

    /// The year and the date as precise as given: `date-parts`, or text that starts with a year.
    static func date(_ value: JSONValue?) -> (Int, String)? {
        guard case .object(let date)? = value else { return nil }
        if case .array(let ranges)? = date["date-parts"], case .array(let parts)? = ranges.first {
            let numbers = parts.compactMap { part -> Int? in
                switch part {
                case .int(let n): Int(n)
                case .string(let s): Int(s)
                default: nil
                }
            }
            guard let year = numbers.first, (1000...9999).contains(year) else { return nil }
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            var text = String(year)
            if numbers.count > 1, (1...12).contains(numbers[1]) { text += "-" + two(numbers[1]) }
            if numbers.count > 2, numbers.count > 1, (1...31).contains(numbers[2]) { text += "-" + two(numbers[2]) }
            return (year, text)
        }
        for key in ["raw", "literal"] {
            if let raw = date[key]?.stringValue, let year = Int(raw.prefix(4)), (1000...9999).contains(year) {
                return (year, String(year))
            }
        }
        return nil
    }
}

extension ImportFormat {
    /// CSL-JSON, as Zotero and pandoc write it.
    public static let csl = ImportFormat(name: "csl-json", recognises: CSLJSON.looksLikeCSL, isText: false, reader: CSLJSON.read)
}
