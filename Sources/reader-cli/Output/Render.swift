import Foundation
import Interchange
import Model
import Storage

/// Human-readable lines for papers, notes and highlights.
enum Render {
    static var term: Terminal { Terminal.stdout }

    /// `804 field changes in 128 records`: the one way pending changes are counted.
    static func pending(fields: Int, records: Int) -> String {
        "\(fields) field change\(fields == 1 ? "" : "s") in \(records) record\(records == 1 ? "" : "s")"
    }

    static func shortID(_ id: UUID) -> String { String(id.lowercased.prefix(8)) }

    /// Notes and highlights have time-ordered ids; their random end tells them apart.
    static func annotationID(_ id: UUID) -> String { String(id.lowercased.suffix(8)) }

    static func day(_ date: Date) -> String { ISOTimestamp.day(date) }

    /// `a1b2c3d4  queued   Title (2024)  #ml #nlp`, with `[file]` after the year when
    /// the paper's file is on this machine.
    static func line(_ paper: Paper, tags: [TagName], fileHere: Bool = false) -> String {
        var text = term.dim(shortID(paper.id)) + "  " + status(paper.status) + "  " + term.bold(paper.displayTitle)
        if let year = paper.year { text += " (\(year))" }
        if fileHere { text += "  " + term.green("[file]") }
        if !tags.isEmpty { text += "  " + term.cyan(tags.map { "#\($0.value)" }.joined(separator: " ")) }
        return text
    }

    static func status(_ status: ReadingStatus) -> String {
        let padded = status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
        switch status {
        case .reading: return term.yellow(padded)
        case .read: return term.green(padded)
        default: return padded
        }
    }

    /// Everything about one paper, for `reader show`.
    static func detail(_ detail: PaperDetail) -> String {
        let p = detail.paper
        var out = term.bold(p.displayTitle) + "\n"
        if !p.authors.isEmpty { out += p.authorsForDisplay.joined(separator: ", ") + "\n" }
        var facts: [(String, String)] = [("id", p.id.lowercased), ("status", p.status.rawValue)]
        if let rating = p.rating { facts.append(("rating", String(repeating: "★", count: rating) + String(repeating: "☆", count: max(0, 5 - rating)))) }
        if let readAt = p.readAt { facts.append(("read", day(readAt))) }
        if let year = p.year { facts.append(("year", String(year))) }
        if let published = p.published { facts.append(("published", published)) }
        if let venue = p.venue { facts.append(("venue", venue + (p.pages.map { ", pages " + $0 } ?? ""))) }
        if let arxiv = p.arxiv { facts.append(("arXiv", arxiv.description + (p.categories.isEmpty ? "" : " [" + p.categories.joined(separator: ", ") + "]"))) }
        if let comment = p.comment { facts.append(("comment", comment)) }
        if let key = p.citeKey {
            facts.append(("cite key", key))
        } else if let key = detail.provisionalCiteKey {
            facts.append(("cite key", "\(key) (provisional: fixed when the paper is first exported)"))
        }
        if let doi = p.doi { facts.append(("DOI", doi.written)) }
        if let url = p.url { facts.append(("url", url)) }
        if let pdf = p.pdfURL { facts.append(("pdf", pdf)) }
        if let code = p.codeURL { facts.append(("code", code)) }
        if !detail.tags.isEmpty { facts.append(("tags", detail.tags.map(\.value).joined(separator: ", "))) }
        facts.append(("added", day(p.addedAt)))
        if let source = p.source { facts.append(("source", source)) }
        if p.isTrashed { facts.append(("trash", "yes (restore with `reader restore \(shortID(p.id))`)")) }
        for (key, value) in facts {
            out += term.dim(key.padding(toLength: 10, withPad: " ", startingAt: 0)) + value + "\n"
        }
        if let abstract = p.abstract, !abstract.isEmpty { out += "\n" + abstract + "\n" }
        if !detail.notes.isEmpty {
            out += "\n" + term.bold("Notes") + "\n"
            for note in detail.notes { out += self.note(note) }
        }
        if !detail.highlights.isEmpty {
            out += "\n" + term.bold("Highlights") + "\n"
            for highlight in detail.highlights { out += self.highlight(highlight) }
        }
        if !detail.attachments.isEmpty {
            out += "\n" + term.bold("Files") + "\n"
            for attachment in detail.attachments { out += self.attachment(attachment, here: detail.filesHere.contains(attachment.sha256)) }
        }
        return out
    }

    /// `  paper.pdf  PDF, 1.2 MiB, here  3a7f0c1e9b2d…` (or `not on this machine: reader fetch`).
    static func attachment(_ attachment: Attachment, here: Bool) -> String {
        let name = attachment.name ?? attachment.sourceURL.map { URL(string: $0)?.lastPathComponent ?? $0 } ?? attachment.sha256.short
        let kind = attachment.kind == .other ? "file" : attachment.kind.rawValue.uppercased()
        let place = here ? term.green("here") : term.yellow("not on this machine (reader fetch)")
        return "  \(name)  \(kind), \(ByteCount.text(attachment.size)), \(place)  " + term.dim(attachment.sha256.short) + "\n"
    }

    static func note(_ note: Note) -> String {
        var out = term.dim("[\(annotationID(note.id))] \(day(note.updatedAt))") + "\n"
        if let title = note.title { out += "  " + term.bold(title) + "\n" }
        out += note.body.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n"
        return out
    }

    static func highlight(_ highlight: Highlight) -> String {
        var place: [String] = []
        if let page = highlight.page { place.append("p. \(page)") }
        if let location = highlight.location { place.append(location) }
        var out = term.dim("[\(annotationID(highlight.id))]" + (place.isEmpty ? "" : " " + place.joined(separator: ", "))) + "\n"
        out += "  “" + highlight.text + "”\n"
        if let comment = highlight.comment { out += "  — " + comment + "\n" }
        return out
    }

    /// Prints one JSON value on its own line.
    static func json(_ value: JSONValue) {
        print(value.canonicalJSON)
    }
}
