import Foundation
import Hummingbird
import Model
import NIOCore
import Storage

/// The edits: each a POST from a form of the room's own pages, through the
/// library's write path, answered with a redirect to the page it came from.
extension ReadingRoom {
    /// The largest form the room reads (a long note).
    static let maxFormBytes = 4 << 20

    func addEdits(to router: Router<BasicRequestContext>) {
        router.post("/papers/:id/status") { request, context in
            let form = try await self.form(request, as: StatusForm.self)
            let id = try self.paperID(context)
            guard let status = ReadingStatus(name: form.status) else {
                throw RoomError(.badRequest, "'\(form.status.prefix(40))' is not a reading status; it is one of \(ReadingStatus.namesForMessages)")
            }
            let paper = try self.existingPaper(id)
            // The paper page sends a rating ("" for none); the queue's buttons send none.
            var rating: Int?
            if let text = form.rating, !text.isEmpty {
                guard let value = Int(text), (1...5).contains(value) else {
                    throw RoomError(.badRequest, "a rating is a number from 1 to 5, not '\(text.prefix(20))' (\(paper.displayTitle))")
                }
                rating = value
            }
            try self.library.setStatus(status, of: id, rating: rating, clearingRating: form.rating == "")
            return Self.redirect(form.back, otherwise: "/papers/\(id.lowercased)")
        }
        router.post("/papers/:id/tags") { request, context in
            let form = try await self.form(request, as: TagForm.self)
            let id = try self.paperID(context)
            let paper = try self.existingPaper(id)
            let names = try form.tag.split(whereSeparator: { $0 == "," }).map { part in
                do { return try TagName(String(part).trimmingCharacters(in: .whitespaces)) } catch {
                    throw RoomError(.badRequest, "\(error) (on \(paper.displayTitle))")
                }
            }
            guard !names.isEmpty else { throw RoomError(.badRequest, "no tag to add to \(paper.displayTitle): type a name") }
            try self.library.tag(id, adding: names)
            return Self.redirect(form.back, otherwise: "/papers/\(id.lowercased)")
        }
        router.post("/papers/:id/tags/remove") { request, context in
            let form = try await self.form(request, as: TagForm.self)
            let id = try self.paperID(context)
            let paper = try self.existingPaper(id)
            let name: TagName
            do { name = try TagName(form.tag) } catch { throw RoomError(.badRequest, "\(error) (on \(paper.displayTitle))") }
            try self.library.tag(id, removing: [name])
            return Self.redirect(form.back, otherwise: "/papers/\(id.lowercased)")
        }
        router.post("/papers/:id/notes") { request, context in
            let form = try await self.form(request, as: NoteForm.self)
            let id = try self.paperID(context)
            _ = try self.existingPaper(id)
            let note = try self.library.addNote(to: id, body: form.body)
            return Self.redirect(nil, otherwise: "/papers/\(id.lowercased)#note-\(note.id.lowercased.suffix(8))")
        }
        router.post("/notes/:id") { request, context in
            let form = try await self.form(request, as: NoteForm.self)
            let note = try self.existingNote(context)
            try self.library.editNote(note.id, body: form.body)
            return Self.redirect(nil, otherwise: "/papers/\(note.paperID.lowercased)#note-\(note.id.lowercased.suffix(8))")
        }
        router.post("/notes/:id/remove") { request, context in
            _ = try await self.form(request, as: EmptyForm.self)
            let note = try self.existingNote(context)
            try self.library.removeNote(note.id)
            return Self.redirect(nil, otherwise: "/papers/\(note.paperID.lowercased)")
        }
        router.post("/notes/:id/settle") { request, context in
            let form = try await self.form(request, as: NoteForm.self)
            let copy = try self.existingNote(context)
            let kept = try self.library.settleConflict(copy: copy.id, body: form.body)
            return Self.redirect(nil, otherwise: "/papers/\(kept.paperID.lowercased)#note-\(kept.id.lowercased.suffix(8))")
        }
    }

    /// Reads and checks a form: from the room's own pages, with this run's form key.
    func form<Form: Decodable & KeyedForm>(_ request: Request, as type: Form.Type) async throws -> Form {
        try access.checkSameOrigin(request)
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            throw RoomError(.unsupportedMediaType, "an edit is a form (application/x-www-form-urlencoded), not \(type.prefix(60))")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxFormBytes)
        } catch is NIOTooManyBytesError {
            throw RoomError(.contentTooLarge, "a form may hold at most \(Self.maxFormBytes >> 20) MiB")
        }
        let text = String(buffer: buffer)
        let key = try? URLEncodedFormDecoder().decode(FormKey.self, from: text)
        try access.checkFormKey(key?.csrf)
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: text)
        } catch let DecodingError.keyNotFound(key, _) {
            throw RoomError(.badRequest, "the form has no field '\(key.stringValue)'")
        } catch {
            throw RoomError(.badRequest, "the form could not be read: \(error)")
        }
    }

    func existingPaper(_ id: UUID) throws -> Paper {
        guard let paper = try library.paper(id) else { throw RoomError(.notFound, "no paper has the id \(id.lowercased); it may have been purged") }
        return paper
    }

    func existingNote(_ context: BasicRequestContext) throws -> Note {
        let text = context.parameters.get("id") ?? ""
        guard UUID(parsing: text) != nil else { throw RoomError(.notFound, "no note has the id '\(text.prefix(80))'") }
        return try library.note(text)
    }

    /// 303 to `back` when it is a path of this site, else to `otherwise`.
    static func redirect(_ back: String?, otherwise: String) -> Response {
        var target = otherwise
        if let back, back.hasPrefix("/"), !back.hasPrefix("//"), !back.contains("\\"), !back.contains(where: \.isNewline) {
            target = back
        }
        return Response(status: .seeOther, headers: [.location: target])
    }
}

/// A form that carries the room's form key.
protocol KeyedForm {}

struct FormKey: Decodable { var csrf: String? }
struct EmptyForm: Decodable, KeyedForm {}
struct StatusForm: Decodable, KeyedForm { var status: String; var rating: String?; var back: String? }
struct TagForm: Decodable, KeyedForm { var tag: String; var back: String? }
struct NoteForm: Decodable, KeyedForm { var body: String }
