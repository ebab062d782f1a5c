import Synchronization
import Foundation
import Model

/// Reads BibTeX and BibLaTeX files into paper drafts.
///
/// Every entry becomes a draft (see ``parse(_:file:problems:)`` for the ones kept
/// with a warning): LaTeX turned
/// into Unicode, authors with their name parts (``BibTeXName``) in order, the year and month, the DOI,
/// the arXiv id (from `eprint` with `archivePrefix`/`eprinttype` arXiv, or an
/// arxiv.org URL), the venue (`journal`, `journaltitle` or `booktitle`), the URL and
/// the abstract. `@comment` and text between entries are skipped; the `@preamble`
/// goes with each entry that uses a macro it defines (``Preamble``), so that an
/// export of the entry still compiles.
///
/// ```swift
/// let drafts = try BibTeX.parse(try String(contentsOfFile: "refs.bib"), file: "refs.bib")
/// ```
public enum BibTeX {
    /// The drafts of every entry, in file order; the first bad entry stops the read
    /// with its line.
    ///
    /// With `skipping`, a bad entry is handed to it and the read goes on.
    public static func parse(_ text: String, file: String, skipping: ((ImportError) -> Void)? = nil) throws(ImportError) -> [PaperDraft] {
        try parse(text, file: file, problems: ImportProblems(skipping: skipping))
    }

    /// The drafts of every entry, in file order. What bibtex and biber only warn
    /// about goes to `problems.warning` and the entry is kept: an entry without a
    /// title, DOI or arXiv id (kept untitled), an undefined `@string` (read as
    /// empty). An `@set` is not a work: its members are entries of their own, and
    /// the set is left out with a warning.
    public static func parse(_ text: String, file: String, problems: ImportProblems) throws(ImportError) -> [PaperDraft] {
        var text = text
        let (entries, read) = try withBytes(of: &text) { bytes throws(ImportError) in
            var parser = BibTeXParser(bytes, file: file)
            parser.isLenient = problems.warning != nil
            var inheritanceWarnings: [ImportError] = []
            let entries = resolvingInheritance(try parser.entries(skipping: problems.skipping), file: file) { inheritanceWarnings.append($0) }
            // A missing parent is only a warning, as in bibtex and biber: the child is kept as it is.
            for warning in parser.warnings + inheritanceWarnings { problems.warning?(warning) }
            return (entries, Read(preambles: parser.preambles, file: file))
        }
        // Reading entries is quick; turning their LaTeX into text is most of the work,
        // and each entry's is independent: convert chunks on every core, keep the order.
        let chunkSize = 512
        let chunks = (entries.count + chunkSize - 1) / chunkSize
        let results = Mutex<[[Result<PaperDraft, ImportError>]?]>(Array(repeating: nil, count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (chunk * chunkSize)..<min(entries.count, (chunk + 1) * chunkSize)
            let converted = entries[range].map(read.convert)
            results.withLock { $0[chunk] = converted }
        }
        var drafts: [PaperDraft] = []
        drafts.reserveCapacity(entries.count)
        var index = 0
        for chunk in results.withLock({ $0 }) {
            for result in chunk ?? [] {
                if let draft = try read.kept(result, of: entries[index], problems: problems) { drafts.append(draft) }
                index += 1
            }
        }
        return drafts
    }

    /// Runs `body` with a text's UTF-8 bytes.
    static func withBytes<T>(of text: inout String, _ body: (UnsafeBufferPointer<UInt8>) throws(ImportError) -> T) throws(ImportError) -> T {
        try text.withUTF8 { bytes in Result { () throws(ImportError) in try body(bytes) } }.get()
    }

    /// What turns a file's entries into drafts: its preamble, and where they come from.
    struct Read: Sendable {
        let preamble: Preamble?
        let source: String
        let file: String

        init(preambles: [String], file: String) {
            preamble = Preamble(preambles)
            source = ImportError.source("bibtex", file: file)
            self.file = file
        }

        /// One entry as a draft, with the preamble it uses.
        @Sendable func convert(_ entry: BibTeXParser.Entry) -> Result<PaperDraft, ImportError> {
            Result { () throws(ImportError) -> PaperDraft in
                var draft = try draft(entry, source: source, file: file)
                if let preamble, preamble.isUsed(by: entry) { draft.bibFields["@preamble"] = preamble.text }
                return draft
            }
        }

        /// The draft to import from an entry's conversion, or nil when the entry is
        /// left out (an `@set`, a record skipped or refused by `problems`).
        func kept(_ result: Result<PaperDraft, ImportError>, of entry: BibTeXParser.Entry, problems: ImportProblems) throws(ImportError) -> PaperDraft? {
            switch result {
            case .success(let draft):
                if entry.type == "set" {
                    let members = entry.value("entryset").map { " (\($0))" } ?? ""
                    _ = try problems.keep(despite: ImportError(file: file, line: entry.line,
                        reason: "@set{\(entry.key)} groups other entries\(members): each member is imported, the set is not"))
                    return nil
                }
                if !draft.saysWhichWork {
                    guard try problems.keep(despite: ImportError(file: file, line: entry.line,
                        reason: "@\(entry.type){\(entry.key)} has no title, DOI or arXiv id")) else { return nil }
                }
                return draft
            case .failure(let error):
                guard let skipping = problems.skipping else { throw error }
                skipping(error)
                return nil
            }
        }
    }

    /// Whether a text looks like BibTeX: a line that starts with `@type{`.
    public static func looksLikeBibTeX(_ text: String) -> Bool {
        for line in text.split(whereSeparator: \.isNewline).prefix(2000) {
            let trimmed = line.drop { $0.isWhitespace }
            guard trimmed.first == "@" else { continue }
            let rest = trimmed.dropFirst()
            let name = rest.prefix { $0.isLetter }
            let after = rest.dropFirst(name.count).drop { $0.isWhitespace }
            if !name.isEmpty, after.first == "{" || after.first == "(" { return true }
        }
        return false
    }

    static func draft(_ entry: BibTeXParser.Entry, source: String, file: String) throws(ImportError) -> PaperDraft {
        func text(_ name: String) -> String? {
            guard let raw = entry.value(name) else { return nil }
            let value = LaTeX.text(raw)
            return value.isEmpty ? nil : value
        }
        /// Verbatim fields (`url`, `doi`, `eprint`): read as written, as biber does.
        func verbatim(_ name: String) -> String? {
            guard let raw = entry.value(name) else { return nil }
            var value = raw.filter { !$0.isWhitespace }
            // Web of Science writes `DOI = {{10.1016/...}}`: one group around it all is case protection.
            if value.hasPrefix("{"), value.hasSuffix("}"), LaTeX.isBalanced(String(value.dropFirst().dropLast())) {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        var draft = PaperDraft(title: text("title") ?? "")
        draft.authorNames = entry.value("author").map(BibTeXName.names) ?? []
        draft.hasMoreAuthors = entry.value("author").map(BibTeXName.endsWithOthers) ?? false
        if let raw = entry.value("abstract") {
            let abstract = LaTeX.text(raw)
            draft.abstract = abstract.isEmpty ? nil : abstract
        }
        let date = text("date")  // BibLaTeX: 2024-05-30, 2024-05 or 2024, or any EDTF date
        if let year = text("year").flatMap(yearNumber) ?? date.flatMap({ Int($0.prefix(4)) }), (1000...9999).contains(year) {
            draft.year = year
            if let date, date.count >= 7, date.hasPrefix(String(year)), isPlainDate(date) {
                draft.published = date
            } else if date == nil, let month = text("month").flatMap(monthNumber) {  // biblatex: a date overrides year and month
                draft.published = "\(year)-" + (month < 10 ? "0" : "") + "\(month)"
            } else {
                draft.published = String(year)
            }
        }
        draft.doi = verbatim("doi").flatMap(DOI.init)
        draft.url = verbatim("url")
        let archive = (text("archiveprefix") ?? text("eprinttype"))?.lowercased()
        if let eprint = verbatim("eprint"), archive == nil || archive == "arxiv" {
            draft.arxiv = ArXivID(eprint)
            if let category = text("primaryclass") ?? text("eprintclass") { draft.categories = [category] }
        }
        if let keywords = text("keywords") {
            draft.tags = Array(Set(keywords.split(whereSeparator: { $0 == "," || $0 == ";" }).compactMap { try? TagName(String($0)) })).sorted()
        }
        draft.citeKey = entry.key.isEmpty ? nil : entry.key
        if draft.arxiv == nil, let url = draft.url { draft.arxiv = ArXivID(url) }
        if draft.arxiv == nil, let journal = text("journal"), let range = journal.range(of: "arXiv:", options: .caseInsensitive) {
            draft.arxiv = ArXivID(String(journal[range.upperBound...].prefix { !$0.isWhitespace }))
        }
        let venueField = ["journal", "journaltitle", "booktitle"].first { text($0) != nil }
        draft.venue = venueField.flatMap(text)
        if let venue = draft.venue, venue.lowercased().hasPrefix("arxiv") { draft.venue = nil }
        // The LaTeX of a field is kept as written when an export would write the
        // field's text otherwise: a macro, case protection an export would not add
        // (or would: `Temporal-Difference` unbraced), math, `and others`. What an
        // export writes the same (`50\%`, `{BERT}`) is not kept twice.
        // Text without LaTeX is written back as it was (abstracts, venues) or as the
        // same name parts (authors), so only LaTeX is compared; a title is always,
        // for the braces an export adds.
        func keep(_ key: String, _ raw: String?, when needed: (String) -> Bool, unlessWritten written: @autoclosure () -> String) {
            guard var raw, needed(raw) else { return }
            // A bare `%` would comment out the rest of the field once its lines are joined.
            if LaTeX.hasUnescapedPercent(raw) { raw = LaTeX.escapingBarePercents(raw) }
            let collapsed = TextNormalization.collapsingWhitespace(raw)
            if collapsed != written() { draft.latex[key] = collapsed }
        }
        keep("title", entry.value("title"), when: { _ in true }, unlessWritten: LaTeX.escape(draft.title, protectingCase: true))
        if let abstract = draft.abstract {
            keep("abstract", entry.value("abstract"), when: { LaTeX.needsConversion($0) || LaTeX.mayEscape($0) }, unlessWritten: LaTeX.escape(abstract))
        }
        if let venue = draft.venue, let venueField {
            keep("venue", entry.value(venueField), when: { LaTeX.needsConversion($0) || LaTeX.mayEscape($0) }, unlessWritten: LaTeX.escape(venue))
        }
        keep("authors", entry.value("author"), when: { LaTeX.needsConversion($0) || $0.lowercased().contains("others") },
             unlessWritten: BibTeXName.written(draft.authorNames, more: draft.hasMoreAuthors, dialect: .bibtex))
        // The type, and every other field as written, so that it goes back out.
        draft.workType = workType(entry.type, isPreprint: draft.arxiv != nil)
        // The source's own type when the work type's is another, or reader has no work type for it.
        if draft.workType.map({ entryType(for: $0, dialect: .bibtex) != entry.type && entryType(for: $0, dialect: .biblatex) != entry.type }) ?? true {
            draft.bibFields["@type"] = entry.type
        }
        // `crossref` and `xdata` are resolved (``resolvingInheritance``): the entry holds what it inherited.
        var consumed: Set<String> = ["title", "author", "abstract", "year", "month", "url", "keywords", "pages", "crossref", "xdata"]
        // A range, a season, a BCE year, an unknown digit (EDTF): kept as written.
        // A date beside a month (`date = {1998}, month = {May}`): both kept as written.
        if date.map(isPlainDate) ?? true, date == nil || entry.value("month") == nil { consumed.insert("date") }
        // A year or month that says more than a number (`{\noopsort{1973b}}1973`,
        // `April-May`, `10~January`): kept as written, as bibtex prints it.
        if let year = entry.value("year"), year.trimmingCharacters(in: .whitespaces) != draft.year.map(String.init) { consumed.remove("year") }
        if let month = text("month"), !isPlainMonth(month) || date != nil { consumed.remove("month") }
        if draft.doi != nil { consumed.insert("doi") }  // a DOI reader cannot read is kept as written
        if let venueField, draft.venue != nil { consumed.insert(venueField) }
        if draft.arxiv != nil { consumed.formUnion(["eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass"]) }
        for (name, value) in entry.fields where !consumed.contains(name) {
            let key = BibliographicField.biblatexName(of: name, in: entry)
            let kept = BibliographicField.nameLists.contains(key) || verbatimFields.contains(key)
                ? value : TextNormalization.collapsingWhitespace(value)
            if draft.bibFields[key] == nil, !kept.isEmpty { draft.bibFields[key] = kept }
        }
        draft.pages = text("pages")
        draft.source = source
        draft.line = entry.line
        return draft
    }
}

extension ImportFormat {
    /// BibTeX and BibLaTeX.
    public static let bibtex = ImportFormat(name: "bibtex", recognises: BibTeX.looksLikeBibTeX, read: text { text, file, problems throws(ImportError) in
        try BibTeX.parse(text, file: file, problems: problems)
    }, stream: { data, file, problems, body in
        try BibTeX.forEachDraft(in: data, file: file, problems: problems, body)
    })
}
