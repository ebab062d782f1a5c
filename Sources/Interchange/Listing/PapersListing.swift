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
        try ImportProblems(skipping: skipping).drafts(in: text, file: file, reader: read)
    }

    /// Reads the papers of UTF-8 bytes paragraph by paragraph, looking at most two
    /// paragraphs ahead, handing each paper to `emit` as soon as its abstract is read.
    static func read(_ bytes: FileBytes, file: String, emit: (ReadRecord) throws -> Void) throws {
        var paragraphs = Paragraphs(lines: bytes.lines)
        // The paragraphs read and not yet used: the one at hand and up to two after it.
        var ahead: [Paragraph] = []
        func look(_ count: Int) {
            while ahead.count < count, let next = paragraphs.next() { ahead.append(next) }
        }
        // The header: everything before the first title followed by an abstract.
        look(2)
        while !(ahead.count == 2 && isTitle(ahead[0]) && isAbstract(ahead[1])) {
            guard ahead.count == 2 else {
                throw ImportError(file: file, line: nil, reason: "no papers found: a listing has a title line, a blank line and an abstract paragraph for each paper")
            }
            ahead.removeFirst()
            look(2)
        }
        let source = ImportError.source("listing", file: file)
        while true {
            look(3)
            guard let title = ahead.first else { return }
            guard isTitle(title) else {
                try emit(.bad(ImportError(file: file, line: title.line, reason: title.text.count > maxTitleLength
                    ? "expected a paper title, found a \(title.text.count.grouped)-character paragraph; is the title of this abstract missing?"
                    : "expected a paper title on one line, found \(title.lineCount) lines")))
                ahead.removeFirst()
                continue
            }
            guard ahead.count > 1 else {
                try emit(.bad(ImportError(file: file, line: title.line, reason: "the title '\(title.text.prefix(80))' has no abstract after it")))
                return
            }
            let abstract = ahead[1]
            if !isAbstract(abstract), ahead.count > 2, isAbstract(ahead[2]) {
                try emit(.bad(ImportError(file: file, line: title.line, reason: "the title '\(title.text.prefix(80))' has no abstract: the next paragraph (line \(abstract.line)) looks like another title")))
                ahead.removeFirst()
                continue
            }
            var draft = PaperDraft(title: title.text, abstract: abstract.text)
            draft.codeURL = CodeLinks.first(in: abstract.text)
            draft.source = source
            draft.line = title.line
            try emit(.paper(draft))
            ahead.removeFirst(2)
        }
    }

    /// Whether a text looks like a listing: used by format detection.
    public static func looksLikeListing(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var paragraphs = Paragraphs(lines: FileBytes(bytes).lines)
            guard var previous = paragraphs.next() else { return false }
            while let next = paragraphs.next() {
                if isTitle(previous) && isAbstract(next) { return true }
                previous = next
            }
            return false
        }
    }

    static func isTitle(_ p: Paragraph) -> Bool {
        p.lineCount == 1 && p.text.count <= maxTitleLength
    }

    static func isAbstract(_ p: Paragraph) -> Bool {
        p.text.count >= minAbstractLength
    }

    /// Paragraphs: runs of non-blank lines, joined by spaces, with their first line number.
    struct Paragraphs: IteratorProtocol {
        var lines: FileBytes.Lines

        mutating func next() -> Paragraph? {
            var current: Paragraph?
            while let (number, line) = lines.next() {
                let trimmed = line.trimmingSpaces()
                if trimmed.isEmpty {
                    if current != nil { return current }
                } else if current != nil {
                    current?.text += " " + trimmed
                    current?.lineCount += 1
                } else {
                    current = Paragraph(line: number, text: trimmed, lineCount: 1)
                }
            }
            return current
        }
    }
}

extension ImportFormat {
    /// A pasted papers listing: a title line, a blank line, the abstract.
    public static let listing = ImportFormat(name: "listing", recognises: PapersListing.looksLikeListing, isText: true, reader: PapersListing.read)
}
