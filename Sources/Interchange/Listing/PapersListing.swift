import Foundation
import Model

/// The pasted papers listing: what you get by copying a Hugging Face papers page.
///
/// A few page-header lines, then for each paper a title line, a blank line and an
/// abstract paragraph, separated by blank lines:
///
/// ```
/// Get trending papers in your email inbox!
///
/// May 30
///
/// Attention Is All You Need
///
/// The dominant sequence transduction models are based on ...
/// ```
///
/// The header is everything before the first title that is followed by an
/// abstract. After it the paragraphs must alternate title, abstract; a break in
/// that pattern is reported with its line.
public enum PapersListing {
    /// The longest paragraph taken as a title.
    static let maxTitleLength = 300
    /// A paragraph at least this long reads as an abstract, not a header line or a title.
    static let minAbstractLength = 120

    struct Paragraph {
        var line: Int
        var text: String
        var lineCount: Int
    }

    /// Parses a listing; `file` names it in errors and in each paper's `source`.
    ///
    /// With `skipping`, a paragraph that breaks the pattern is handed to it and
    /// skipped, and the read goes on with the next title.
    public static func parse(_ text: String, file: String, skipping: ((ImportError) -> Void)? = nil) throws(ImportError) -> [PaperDraft] {
        let paragraphs = split(text)
        guard let first = paragraphs.indices.first(where: { i in
            i + 1 < paragraphs.count && isTitle(paragraphs[i]) && isAbstract(paragraphs[i + 1])
        }) else {
            throw ImportError(file: file, line: nil, reason: "no papers found: a listing has a title line, a blank line and an abstract paragraph for each paper")
        }
        var drafts: [PaperDraft] = []
        var i = first
        let source = ImportError.source("listing", file: file)
        func problem(_ error: ImportError) throws(ImportError) {
            guard let skipping else { throw error }
            skipping(error)
        }
        while i < paragraphs.count {
            let title = paragraphs[i]
            guard isTitle(title) else {
                try problem(ImportError(file: file, line: title.line, reason: title.text.count > maxTitleLength
                    ? "expected a paper title, found a \(title.text.count.grouped)-character paragraph; is the title of this abstract missing?"
                    : "expected a paper title on one line, found \(title.lineCount) lines"))
                i += 1
                continue
            }
            guard i + 1 < paragraphs.count else {
                try problem(ImportError(file: file, line: title.line, reason: "the title '\(title.text.prefix(80))' has no abstract after it"))
                break
            }
            let abstract = paragraphs[i + 1]
            if !isAbstract(abstract), i + 2 < paragraphs.count, isAbstract(paragraphs[i + 2]) {
                try problem(ImportError(file: file, line: title.line, reason: "the title '\(title.text.prefix(80))' has no abstract: the next paragraph (line \(abstract.line)) looks like another title"))
                i += 1
                continue
            }
            var draft = PaperDraft(title: title.text, abstract: abstract.text)
            draft.codeURL = CodeLinks.first(in: abstract.text)
            draft.source = source
            draft.line = title.line
            drafts.append(draft)
            i += 2
        }
        return drafts
    }

    /// Whether a text looks like a listing: used by format detection.
    public static func looksLikeListing(_ text: String) -> Bool {
        let paragraphs = split(text)
        return paragraphs.indices.contains { i in
            i + 1 < paragraphs.count && isTitle(paragraphs[i]) && isAbstract(paragraphs[i + 1])
        }
    }

    static func isTitle(_ p: Paragraph) -> Bool {
        p.lineCount == 1 && p.text.count <= maxTitleLength
    }

    static func isAbstract(_ p: Paragraph) -> Bool {
        p.text.count >= minAbstractLength
    }

    /// Paragraphs: runs of non-blank lines, joined by spaces, with their first line number.
    static func split(_ text: String) -> [Paragraph] {
        var paragraphs: [Paragraph] = []
        var current: Paragraph?
        var lineNumber = 0
        // `\r\n` is one Character in Swift, so split on every kind of line end.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                if let done = current { paragraphs.append(done) }
                current = nil
            } else if var paragraph = current {
                paragraph.text += " " + trimmed
                paragraph.lineCount += 1
                current = paragraph
            } else {
                current = Paragraph(line: lineNumber, text: String(trimmed), lineCount: 1)
            }
        }
        if let done = current { paragraphs.append(done) }
        return paragraphs
    }
}

extension ImportFormat {
    /// A pasted papers listing: a title line, a blank line, the abstract.
    public static let listing = ImportFormat(name: "listing", recognises: PapersListing.looksLikeListing, read: text { text, file, problems throws(ImportError) in
        try PapersListing.parse(text, file: file, skipping: problems.skipping)
    })
}
