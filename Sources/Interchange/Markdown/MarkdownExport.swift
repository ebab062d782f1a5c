import Foundation
import Model

/// The reading list as Markdown, grouped by status, readable on GitHub.
///
/// Call ``section(_:count:)`` before each status group, then ``write(_:)`` for
/// each paper in it. Each paper shows its title (linked), authors, year,
/// identifiers, tags, rating, abstract (folded), notes and highlights.
public struct MarkdownExport<Output: TextOutput> {
    /// Where the Markdown goes.
    public private(set) var output: Output

    /// Creates a value from its fields.
    public init(output: Output, title: String = "Reading list") {
        self.output = output
        self.output.write("# \(title)\n")
    }

    /// Starts the section of one status.
    public mutating func section(_ status: ReadingStatus, count: Int) {
        output.write("\n## \(MarkdownExport.heading(status)) (\(count))\n")
    }

    /// One paper with everything attached to it.
    public mutating func write(_ detail: PaperDetail) {
        let paper = detail.paper
        var out = "\n### "
        let title = MarkdownExport.escape(paper.displayTitle)
        if let link = paper.url ?? paper.arxiv.map({ "https://arxiv.org/abs/\($0)" }) ?? paper.doi.map({ "https://doi.org/\($0)" }) {
            out += "[\(title)](\(link))\n"
        } else {
            out += title + "\n"
        }
        var facts: [String] = []
        if !paper.authors.isEmpty { facts.append(MarkdownExport.escape(paper.authorsForDisplay.joined(separator: ", "))) }
        if let year = paper.year { facts.append(String(year)) }
        if let venue = paper.venue { facts.append("*\(MarkdownExport.escape(venue))*") }
        if let arxiv = paper.arxiv { facts.append("arXiv:\(arxiv)") }
        if let doi = paper.doi { facts.append("doi:\(doi)") }
        if let code = paper.codeURL { facts.append("[code](\(code))") }
        if let pdf = paper.pdfURL { facts.append("[pdf](\(pdf))") }
        if !facts.isEmpty { out += "\n" + facts.joined(separator: " · ") + "\n" }
        var state: [String] = []
        if !detail.tags.isEmpty { state.append("Tags: " + detail.tags.map { "`\($0.value)`" }.joined(separator: " ")) }
        if let rating = paper.rating { state.append("Rating: " + String(repeating: "★", count: rating) + String(repeating: "☆", count: max(0, 5 - rating))) }
        if let readAt = paper.readAt { state.append("Read: " + ISOTimestamp.day(readAt)) }
        if !state.isEmpty { out += "\n" + state.joined(separator: " · ") + "\n" }
        if let abstract = paper.abstract, !abstract.isEmpty {
            out += "\n<details><summary>Abstract</summary>\n\n\(MarkdownExport.escape(abstract))\n\n</details>\n"
        }
        if !detail.notes.isEmpty {
            out += "\n#### Notes\n"
            for note in detail.notes {
                out += "\n" + note.body.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
            }
        }
        if !detail.highlights.isEmpty {
            out += "\n#### Highlights\n"
            for highlight in detail.highlights {
                let quoted = highlight.text.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n")
                var place: [String] = []
                if let page = highlight.page { place.append("p. \(page)") }
                if let location = highlight.location { place.append(MarkdownExport.escape(location)) }
                out += "\n" + quoted + "\n"
                if !place.isEmpty { out += ">\n> — " + place.joined(separator: ", ") + "\n" }
                if let comment = highlight.comment, !comment.isEmpty { out += "\n" + comment + "\n" }
            }
        }
        output.write(out)
    }

    /// The output, when every section is written.
    public mutating func finish() -> Output { output }

    static func heading(_ status: ReadingStatus) -> String {
        switch status {
        case .reading: "Reading"
        case .queued: "Queued"
        case .inbox: "Inbox"
        case .read: "Read"
        case .dropped: "Dropped"
        }
    }

    /// Escapes Markdown syntax characters in plain text, so a title like
    /// `*-Divergence [v2]` renders as written.
    static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String? in
            // Every Markdown syntax character is ASCII: copy the runs between them.
            func isSyntax(_ b: UInt8) -> Bool {
                b == 0x5C || b == 0x60 || b == 0x2A || b == 0x5F || b == 0x5B || b == 0x5D || b == 0x3C || b == 0x3E || b == 0x23 || b == 0x7C
            }
            guard bytes.contains(where: isSyntax) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            for b in bytes {
                if isSyntax(b) { out.append(0x5C) }
                out.append(b)
            }
            return String(decoding: out, as: UTF8.self)
        } ?? text
    }
}

extension MarkdownExport: PaperWriter {
    public mutating func write(_ paper: PaperDetail, key: String) { write(paper) }
}

extension ExportFormat {
    /// The reading list in Markdown, by status, with notes and highlights.
    public static let markdown = ExportFormat(name: "markdown", needsCitationKeys: false, needsAnnotations: true, groupsByStatus: true,
                                              writers: MarkdownWriters())
}

struct MarkdownWriters: PaperWriterFactory {
    func writer(to output: FileOutput) -> any PaperWriter<FileOutput> { MarkdownExport(output: output) }
}
