import Foundation
import GRDB
import Model

extension Library {
    /// Adds a Markdown note to a paper.
    @discardableResult
    public func addNote(to paperID: UUID, body: String) throws -> Note {
        let body = try Library.nonEmpty(body, field: "note")
        let id = try write { writer in
            let id = writer.newID()
            let now = JSONValue.int(Int64(writer.wallMillis))
            try writer.set(.note, id: id, ["paper_id": .string(paperID.lowercased), "body": .string(body),
                                           "created_at": now, "updated_at": now, "trashed": .bool(false)])
            return id
        }
        return try note(id)
    }

    /// Replaces a note's text.
    @discardableResult
    public func editNote(_ noteID: UUID, body: String) throws -> Note {
        let body = try Library.nonEmpty(body, field: "note")
        try write { writer in
            if try writer.load(.note, id: noteID.lowercased)?.values["body"] == .string(TextNormalization.storedText(body)) { return }
            try writer.set(.note, id: noteID.lowercased, ["body": .string(body), "updated_at": .int(Int64(writer.wallMillis))])
        }
        return try note(noteID.lowercased)
    }

    /// Moves a note to the trash.
    public func removeNote(_ noteID: UUID) throws {
        try write { writer in try writer.set(.note, id: noteID.lowercased, ["trashed": .bool(true)]) }
    }

    /// Adds a highlight: quoted text, where it is, and an optional comment.
    @discardableResult
    public func addHighlight(to paperID: UUID, text: String, page: Int? = nil, location: String? = nil, comment: String? = nil) throws -> Highlight {
        let text = try Library.nonEmpty(text, field: "highlight text")
        if let page, page < 1 { throw StorageError.invalidValue(field: "page", reason: "\(page) is not a page number") }
        let id = try write { writer in
            let id = writer.newID()
            let now = JSONValue.int(Int64(writer.wallMillis))
            var values: [String: JSONValue] = ["paper_id": .string(paperID.lowercased), "text": .string(text),
                                               "created_at": now, "updated_at": now, "trashed": .bool(false)]
            if let page { values["page"] = .int(Int64(page)) }
            if let location, !location.isEmpty { values["location"] = .string(location) }
            if let comment, !comment.isEmpty { values["comment"] = .string(comment) }
            try writer.set(.highlight, id: id, values)
            return id
        }
        return try highlight(id)
    }

    /// Moves a highlight to the trash.
    public func removeHighlight(_ highlightID: UUID) throws {
        try write { writer in try writer.set(.highlight, id: highlightID.lowercased, ["trashed": .bool(true)]) }
    }

    static func nonEmpty(_ text: String, field: String) throws -> String {
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw StorageError.invalidValue(field: field, reason: "it is empty")
        }
        return text
    }
}

extension Library {
    /// Settles a conflict copy that sync made (a note edited on two machines on the
    /// same lines): the note it copies takes `body` (the copy's text, its own, or a
    /// merge of both), and the copy goes to the trash, in one transaction.
    ///
    /// The texts replaced stay in the note's history (`reader note history`).
    @discardableResult
    public func settleConflict(copy copyID: UUID, body: String) throws -> Note {
        let body = try Library.nonEmpty(body, field: "note")
        let copy = try note(copyID.lowercased)
        guard let originalID = copy.conflictOf else {
            throw StorageError.invalidValue(field: "note", reason: "note \(copy.id.lowercased.suffix(8)) is not a conflict copy")
        }
        try write { writer in
            // The note copied may have been removed meanwhile: settling brings it back.
            let original = try writer.load(.note, id: originalID.lowercased)?.values ?? [:]
            var values: [String: JSONValue] = [:]
            if original["body"] != .string(TextNormalization.storedText(body)) {
                values = ["body": .string(body), "updated_at": .int(Int64(writer.wallMillis))]
            }
            if original["trashed"] == .bool(true) { values["trashed"] = .bool(false) }
            if !values.isEmpty { try writer.set(.note, id: originalID.lowercased, values) }
            try writer.set(.note, id: copyID.lowercased, ["trashed": .bool(true)])
        }
        return try note(originalID.lowercased)
    }
}
