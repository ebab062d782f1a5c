import Foundation
import Model
import Storage

/// How the templates see papers, notes and statuses: plain dictionaries of strings,
/// escaped by the templates (`{{...}}`); only HTML this module made itself is
/// passed unescaped (`{{{...}}}`).
enum PaperView {
    /// The verbs of the status buttons, in the order a reader moves a paper.
    static let statusVerbs: [(status: ReadingStatus, verb: String)] = [
        (.reading, "Start"), (.queued, "Queue"), (.read, "Done"), (.inbox, "Inbox"), (.dropped, "Drop"),
    ]

    /// A paper's row in a list: title, authors, year, tags, status and its buttons.
    static func row(_ paper: Paper, tags: [TagName]) -> [String: Any] {
        let id = paper.id.lowercased
        return [
            "id": id, "short": String(id.prefix(8)),
            "title": paper.displayTitle,
            "authors": shortAuthors(paper.authors),
            "year": paper.year.map(String.init) ?? "",
            "status": paper.status.rawValue,
            "tags": tags.map { ["name": $0.value, "href": search("tag:" + $0.value)] },
            "statusChoices": statusVerbs.map { choice in
                ["value": choice.status.rawValue, "label": choice.verb, "current": choice.status == paper.status] as [String: Any]
            },
        ].pruned()
    }

    /// Everything the paper page shows.
    static func detail(_ detail: PaperDetail) -> [String: Any] {
        let paper = detail.paper
        var view = row(paper, tags: detail.tags)
        view["allAuthors"] = paper.authors.joined(separator: ", ")
        view["abstract"] = paper.abstract ?? ""
        view["trashed"] = paper.isTrashed
        view["facts"] = [paper.year.map(String.init), paper.venue, "added " + day(paper.addedAt), paper.readAt.map { "read " + day($0) }]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        view["citeKey"] = paper.citeKey ?? detail.provisionalCiteKey ?? ""
        var links: [[String: String]] = []
        if let arxiv = paper.arxiv { links.append(["label": "arXiv:\(arxiv)", "href": "https://arxiv.org/abs/\(arxiv)"]) }
        if let doi = paper.doi { links.append(["label": "doi:\(doi)", "href": "https://doi.org/\(doi.value)"]) }
        for (label, address) in [("web", paper.url), ("PDF online", paper.pdfURL), ("code", paper.codeURL)] {
            if let address, let safe = safeLink(address) { links.append(["label": label, "href": safe]) }
        }
        view["links"] = links
        view["statusOptions"] = ReadingStatus.readingOrder.map { ["value": $0.rawValue, "selected": $0 == paper.status] as [String: Any] }
        view["ratingOptions"] = (0...5).map { value in
            ["value": value == 0 ? "" : String(value), "label": value == 0 ? "no rating" : String(repeating: "★", count: value),
             "selected": (paper.rating ?? 0) == value] as [String: Any]
        }
        view["rating"] = paper.rating.map { String(repeating: "★", count: $0) } ?? ""
        let notesByID = Dictionary(detail.notes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        view["notes"] = detail.notes.filter { $0.conflictOf == nil }.map(note)
        view["conflicts"] = detail.notes.compactMap { copy -> [String: Any]? in
            guard let originalID = copy.conflictOf else { return nil }
            let original = notesByID[originalID]
            return [
                "copyID": copy.id.lowercased, "copyText": copy.body, "copyDay": day(copy.updatedAt),
                "originalText": original?.body ?? "", "originalDay": original.map { day($0.updatedAt) } ?? "",
                "hasOriginal": original != nil,
                "merged": [original?.body, copy.body].compactMap { $0 }.joined(separator: "\n\n"),
            ].pruned()
        }
        view["highlights"] = detail.highlights.map { highlight in
            (["text": highlight.text, "page": highlight.page.map { "p. \($0)" } ?? "", "comment": highlight.comment ?? ""] as [String: Any]).pruned()
        }
        view["files"] = detail.attachments.map { attachment -> [String: Any] in
            let here = detail.filesHere.contains(attachment.sha256)
            return [
                "name": attachment.name ?? "\(attachment.kind.rawValue) file", "size": ByteCount.text(attachment.size),
                "kind": attachment.kind.rawValue, "here": here, "isPDF": here && attachment.kind == .pdf,
                "href": "/papers/\(paper.id.lowercased)/files/\(attachment.sha256.hex)", "short": String(paper.id.lowercased.prefix(8)),
            ]
        }
        return view.pruned()
    }

    /// The address of a search for `query`.
    static func search(_ query: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return "/search?q=" + (query.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }

    static func note(_ note: Note) -> [String: Any] {
        ["id": note.id.lowercased, "short": String(note.id.lowercased.suffix(8)), "body": note.body,
         "html": SafeMarkdown.html(note.body), "day": day(note.updatedAt)]
    }

    /// "Ada Lovelace, Alan Turing et al."
    static func shortAuthors(_ authors: [String]) -> String {
        authors.count > 3 ? authors.prefix(2).joined(separator: ", ") + " et al." : authors.joined(separator: ", ")
    }

    /// An address a page may link to (http or https), else nil.
    static func safeLink(_ address: String) -> String? {
        let lower = address.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://") ? address : nil
    }

    static func day(_ date: Date) -> String { StorageError.day(date) }
}

extension Dictionary where Key == String, Value == Any {
    /// The values without the empty strings: a Mustache section shows for any
    /// string, even an empty one, so a missing value must be absent.
    func pruned() -> [String: Any] { filter { !(($0.value as? String)?.isEmpty ?? false) } }
}
