import Model

/// Reads the arXiv API's Atom feed (`export.arxiv.org/api/query`): what
/// `reader add arxiv:…` and `reader refresh` fetch, and what a saved query
/// result imports.
///
/// Read into each paper: the versioned id from `<id>`, `title`, `summary` as the
/// abstract (line breaks of the feed joined), `author/name`s, `published` as the
/// date, `arxiv:doi`, `arxiv:journal_ref` as the venue, `arxiv:comment`, the
/// `alternate` link as the URL and the `pdf` link, and the categories with
/// `arxiv:primary_category` first. An error entry (arXiv answers a bad id with
/// one) is an error naming its message.
public enum ArXivAtom {
    /// The drafts of every entry, in feed order.
    ///
    /// With `skipping`, an error entry is handed to it and the read goes on.
    public static func parse(_ text: String, file: String, skipping: ((ImportError) -> Void)? = nil) throws(ImportError) -> [PaperDraft] {
        try ImportProblems(skipping: skipping).drafts(in: text, file: file, reader: read)
    }

    /// Reads the entries of a feed one at a time, handing each to `emit`.
    static func read(_ bytes: FileBytes, file: String, emit: (ReadRecord) throws -> Void) throws {
        let source = ImportError.source("arxiv", file: file)
        var reader = XMLTree.Reader(bytes: bytes.buffer)
        var released = 0
        func notWellFormed(_ error: XMLTree.SyntaxError) -> ImportError {
            ImportError(file: file, line: error.line, reason: "not well-formed XML: \(error.reason)")
        }
        func checkFeed() throws(ImportError) {
            guard let feed = reader.outermost, feed.name != "feed" else { return }
            throw ImportError(file: file, line: feed.line, reason: "expected an Atom <feed>, found <\(feed.name)>")
        }
        while true {
            let entry: XMLTree.Element?
            do { entry = try reader.nextChild(named: "entry") } catch {
                try checkFeed()
                throw notWellFormed(error)
            }
            try checkFeed()
            guard let entry else { return }
            bytes.release(before: reader.i, since: &released)
            let record: ReadRecord
            do throws(ImportError) {
                var draft = try self.draft(entry, file: file)
                draft.source = source
                record = .paper(draft)
            } catch {
                record = .bad(error)
            }
            try emit(record)
        }
    }

    /// Whether a text looks like an Atom feed.
    public static func looksLikeAtom(_ text: String) -> Bool {
        let head = text.prefix(2048)
        return head.contains("<feed") && head.contains("http://www.w3.org/2005/Atom")
    }

    static func draft(_ entry: XMLTree.Element, file: String) throws(ImportError) -> PaperDraft {
        let idText = entry.text(of: "id") ?? ""
        if idText.contains("/api/errors") || entry.text(of: "title") == "Error" {
            let message = entry.text(of: "summary") ?? idText
            throw ImportError(file: file, line: entry.line, reason: "arXiv answered with an error: \(message)")
        }
        guard let arxiv = ArXivID(idText) else {
            throw ImportError(file: file, line: entry.line, reason: "the entry's <id> '\(idText)' is not an arXiv abstract URL")
        }
        var draft = PaperDraft(title: entry.text(of: "title") ?? "", authors: entry.all("author").compactMap { $0.text(of: "name") })
        draft.arxiv = arxiv
        draft.abstract = entry.text(of: "summary")
        if let published = entry.text(of: "published"), let year = Int(published.prefix(4)) {
            draft.year = year
            draft.published = String(published.prefix(10))
        }
        draft.doi = entry.text(of: "arxiv:doi").flatMap(DOI.init)
        draft.venue = entry.text(of: "arxiv:journal_ref")
        draft.comment = entry.text(of: "arxiv:comment")
        for link in entry.all("link") {
            guard let href = link.attributes["href"] else { continue }
            if link.attributes["title"] == "pdf" || link.attributes["type"] == "application/pdf" {
                draft.pdfURL = href
            } else if link.attributes["rel"] == "alternate" {
                draft.url = href
            }
        }
        var categories: [String] = []
        if let primary = entry.first("arxiv:primary_category")?.attributes["term"] { categories.append(primary) }
        for category in entry.all("category") {
            if let term = category.attributes["term"], !categories.contains(term) { categories.append(term) }
        }
        draft.categories = categories
        draft.line = entry.line
        return draft
    }
}

extension ImportFormat {
    /// The arXiv API's Atom feed.
    public static let arxivAtom = ImportFormat(name: "arxiv-atom", recognises: ArXivAtom.looksLikeAtom, isText: true, reader: ArXivAtom.read)
}
