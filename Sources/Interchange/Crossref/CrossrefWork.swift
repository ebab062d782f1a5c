import Foundation
import Model

/// Reads a Crossref REST API work (`GET api.crossref.org/works/{doi}`): what
/// `reader add DOI` and `reader refresh` fetch.
///
/// Read: `title`, `author` (given and family, or `name`), `issued` (else
/// `published`) date parts, `DOI`, `URL`, `container-title` as the venue, a PDF
/// `link`, and `abstract` with its JATS markup (`<jats:p>`) turned into text.
public enum CrossrefWork {
    /// The draft of the work in a Crossref response body.
    public static func parse(_ data: Data, file: String) throws(ImportError) -> PaperDraft {
        let document = try ImportError.parseJSON(data, file: file)
        guard case .object(let envelope) = document, case .object(let work)? = envelope["message"] else {
            throw ImportError(file: file, line: nil, reason: "expected a Crossref response with a \"message\" object")
        }
        func first(_ name: String) -> String? {
            switch work[name] {
            case .array(let values)?: values.first?.stringValue.map(TextNormalization.singleLine)
            case .string(let value)?: TextNormalization.singleLine(value)
            default: nil
            }
        }
        var draft = PaperDraft(title: first("title") ?? "")
        if let subtitle = first("subtitle"), !subtitle.isEmpty, !draft.title.isEmpty { draft.title += ": " + subtitle }
        draft.authors = (work["author"]?.arrayValue ?? []).compactMap { author in
            guard case .object(let parts) = author else { return nil }
            if let name = parts["name"]?.stringValue { return TextNormalization.singleLine(name) }
            let name = TextNormalization.singleLine([parts["given"]?.stringValue, parts["family"]?.stringValue, parts["suffix"]?.stringValue].compactMap { $0 }.joined(separator: " "))
            return name.isEmpty ? nil : name
        }
        if let (year, published) = CSLJSON.date(work["issued"]) ?? CSLJSON.date(work["published"]) {
            draft.year = year
            draft.published = published
        }
        draft.doi = first("DOI").flatMap(DOI.init)
        draft.url = first("URL")
        draft.venue = first("container-title")
        for link in work["link"]?.arrayValue ?? [] {
            if case .object(let parts) = link, parts["content-type"]?.stringValue == "application/pdf" {
                draft.pdfURL = parts["URL"]?.stringValue
                break
            }
        }
        if let abstract = work["abstract"]?.stringValue {
            let text = jatsText(abstract)
            draft.abstract = text.isEmpty ? nil : text
        }
        if let doi = draft.doi?.value, doi.hasPrefix("10.48550/arxiv.") {
            draft.arxiv = ArXivID(String(doi.dropFirst("10.48550/arxiv.".count)))
        }
        draft.source = "crossref"
        guard !draft.title.isEmpty || draft.doi != nil else {
            throw ImportError(file: file, line: nil, reason: "the work has no title and no DOI")
        }
        return draft
    }

    /// JATS abstract markup as text: tags removed (a paragraph end becomes a line
    /// break), entities decoded, white space within paragraphs collapsed.
    static func jatsText(_ markup: String) -> String {
        var paragraphs: [String] = []
        var current = ""
        var i = markup.startIndex
        while i < markup.endIndex {
            if markup[i] == "<", let close = markup[i...].firstIndex(of: ">") {
                let tag = markup[markup.index(after: i)..<close]
                if tag.hasPrefix("/jats:p") || tag.hasPrefix("/p") || tag.hasPrefix("jats:title") {
                    paragraphs.append(current); current = ""
                } else if tag.hasPrefix("/jats:title") {
                    current = ""  // a heading such as "Abstract" is not part of the text
                }
                i = markup.index(after: close)
            } else {
                current.append(markup[i])
                i = markup.index(after: i)
            }
        }
        paragraphs.append(current)
        return paragraphs.map { paragraph in
            let decoded = paragraph.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
            return TextNormalization.collapsingWhitespace(decoded)
        }.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}
