import Foundation
import Model

/// The stable JSON shape of papers, notes and highlights printed by `--json`.
///
/// Every key is always present (`null` when unknown) and keys are sorted, so
/// scripts can rely on the shape; `docs/json.md` documents it. Dates are
/// ISO 8601 UTC with milliseconds.
public enum PaperJSON {
    /// A paper with its tags; `detail` adds notes and highlights.
    public static func paper(_ paper: Paper, tags: [TagName]) -> JSONValue {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func int(_ i: Int?) -> JSONValue { i.map { .int(Int64($0)) } ?? .null }
        return .object([
            "id": .string(paper.id.lowercased),
            "title": .string(paper.title),
            "authors": .array(paper.authors.map(JSONValue.string)),
            "abstract": text(paper.abstract),
            "published": text(paper.published),
            "year": int(paper.year),
            "arxiv_id": text(paper.arxiv?.id),
            "arxiv_version": int(paper.arxiv?.version),
            "doi": text(paper.doi?.written),
            "url": text(paper.url),
            "pdf_url": text(paper.pdfURL),
            "code_url": text(paper.codeURL),
            "venue": text(paper.venue),
            "source": text(paper.source),
            "added_at": date(paper.addedAt),
            "updated_at": paper.updatedAt.map(date) ?? .null,
            "status": .string(paper.status.rawValue),
            "rating": int(paper.rating),
            "read_at": paper.readAt.map(date) ?? .null,
            "trashed": .bool(paper.isTrashed),
            "tags": .array(tags.map { .string($0.value) }),
            "cite_key": text(paper.citeKey),
            "cite_aliases": .array(paper.citeAliases.map(JSONValue.string)),
            "author_names": .array(paper.authorNames.map(\.jsonValue)),
            "latex": .object(paper.latex.mapValues(JSONValue.string)),
            "work_type": text(paper.workType?.rawValue),
            "bib_fields": .object(paper.bibFields.mapValues(JSONValue.string)),
            "categories": .array(paper.categories.map(JSONValue.string)),
            "comment": text(paper.comment),
            "pages": text(paper.pages),
        ])
    }

    /// A paper with tags, notes and highlights: the shape of `reader show --json`.
    public static func detail(_ detail: PaperDetail) -> JSONValue {
        guard case .object(var object) = paper(detail.paper, tags: detail.tags) else { return .null }
        if let key = detail.provisionalCiteKey { object["provisional_cite_key"] = .string(key) }
        object["notes"] = .array(detail.notes.map(note))
        object["highlights"] = .array(detail.highlights.map(highlight))
        object["attachments"] = .array(detail.attachments.map { attachment($0, here: detail.filesHere.contains($0.sha256)) })
        return .object(object)
    }

    /// A paper's file: the shape of `reader attach --json`; `here` is whether the
    /// bytes are on this machine.
    public static func attachment(_ attachment: Attachment, here: Bool) -> JSONValue {
        .object([
            "id": .string(attachment.id.lowercased),
            "paper_id": .string(attachment.paperID.lowercased),
            "sha256": .string(attachment.sha256.hex),
            "size": .int(attachment.size),
            "kind": .string(attachment.kind.rawValue),
            "name": attachment.name.map(JSONValue.string) ?? .null,
            "source_url": attachment.sourceURL.map(JSONValue.string) ?? .null,
            "added_at": date(attachment.addedAt),
            "here": .bool(here),
        ])
    }

    /// A note: the shape of `reader note list --json`.
    public static func note(_ note: Note) -> JSONValue {
        .object([
            "id": .string(note.id.lowercased),
            "paper_id": .string(note.paperID.lowercased),
            "body": .string(note.body),
            "created_at": date(note.createdAt),
            "updated_at": date(note.updatedAt),
            "conflict_of": note.conflictOf.map { .string($0.lowercased) } ?? .null,
        ])
    }

    /// A highlight: the shape of `reader highlight list --json`.
    public static func highlight(_ highlight: Highlight) -> JSONValue {
        .object([
            "id": .string(highlight.id.lowercased),
            "paper_id": .string(highlight.paperID.lowercased),
            "text": .string(highlight.text),
            "page": highlight.page.map { .int(Int64($0)) } ?? .null,
            "location": highlight.location.map(JSONValue.string) ?? .null,
            "comment": highlight.comment.map(JSONValue.string) ?? .null,
            "created_at": date(highlight.createdAt),
            "updated_at": date(highlight.updatedAt),
        ])
    }

    /// `2026-11-27T00:12:26.123Z`.
    public static func date(_ date: Date) -> JSONValue {
        .string(isoDate(date))
    }

    /// The text of `date(_:)`.
    public static func isoDate(_ date: Date) -> String {
        ISOTimestamp.text(date)
    }
}
