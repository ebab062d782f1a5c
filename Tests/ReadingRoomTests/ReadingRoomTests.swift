import Foundation
import Model
import Storage
import Testing
import TestSupport

/// The reading room's routes and pages, over real HTTP in this process.
@Suite struct ReadingRoomTests {
    func add(_ library: Library, _ title: String, status: ReadingStatus = .inbox, tags: [String] = [], abstract: String? = nil) throws -> UUID {
        let id = try library.add(PaperDraft(title: title, authors: ["Ada Lovelace"], abstract: abstract)).paperID
        if status != .inbox { try library.setStatus(status, of: id) }
        if !tags.isEmpty { try library.tag(id, adding: try tags.map { try TagName($0) }) }
        return id
    }

    @Test func theQueueShowsReadingThenQueuedThenInboxThenReadWithCounts() async throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        _ = try add(library, "Sparse attention at scale", status: .queued)
        _ = try add(library, "Krylov subspace recycling", status: .reading)
        _ = try add(library, "Operators for weather", status: .inbox)
        _ = try add(library, "A survey of surveys", status: .read)
        let page = try await RoomClient.with(library) { try await $0.get("/") }
        #expect(page.status == 200)
        let order = ["id=\"reading\"", "Krylov subspace recycling", "id=\"queued\"", "Sparse attention at scale",
                     "id=\"inbox\"", "Operators for weather", "id=\"read\"", "A survey of surveys"]
        let positions = order.map { page.html.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "every group and paper is on the page")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "in reading order")
        #expect(page.html.contains(#"reading <b>1</b>"#) && page.html.contains(#"inbox <b>1</b>"#))
        #expect(page.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
    }

    @Test func aStatusChangedInTheRoomIsStampedAndWaitsForSyncLikeTheCLIs() async throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let id = try add(library, "Krylov subspace recycling", status: .queued)
        let before = try #require(try library.lastClock)
        let page = try await RoomClient.with(library) { room in
            try await room.post("/papers/\(id.lowercased)/status", [("csrf", try await room.formKey()), ("status", "reading"), ("back", "/")])
        }
        #expect(page.status == 200, "the redirect lands on the queue")
        #expect(try library.paper(id)?.status == .reading)
        #expect(try #require(try library.lastClock) > before, "the change is stamped")
        #expect(try library.syncState().pendingFields > 0, "and waits for sync")
    }

    @Test func tagsNotesAndRatingsEditedInTheRoomAreInTheLibrary() async throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let id = try add(library, "Krylov subspace recycling", tags: ["todo"])
        let paper = "/papers/\(id.lowercased)"
        try await RoomClient.with(library) { room in
            let key = try await room.formKey()
            #expect(try await room.post(paper + "/tags", [("csrf", key), ("tag", "PDE, deep learning")]).status == 200)
            #expect(try await room.post(paper + "/tags/remove", [("csrf", key), ("tag", "todo")]).status == 200)
            #expect(try await room.post(paper + "/status", [("csrf", key), ("status", "read"), ("rating", "4")]).status == 200)
            let added = try await room.post(paper + "/notes", [("csrf", key), ("body", "Sorting similar systems first is *the* trick.")])
            #expect(added.html.contains("<em>the</em> trick"), "the note is rendered from Markdown")
        }
        let detail = try #require(try library.detail(id))
        #expect(detail.tags.map(\.value) == ["deep-learning", "pde"])
        #expect(detail.paper.status == .read && detail.paper.rating == 4)
        let note = try #require(detail.notes.first)
        #expect(note.body == "Sorting similar systems first is *the* trick.")
        try await RoomClient.with(library) { room in
            let key = try await room.formKey()
            #expect(try await room.post("/notes/\(note.id.lowercased)", [("csrf", key), ("body", "Edited in the browser.")]).status == 200)
            #expect(try library.notes(of: id).map(\.body) == ["Edited in the browser."])
            #expect(try await room.post("/notes/\(note.id.lowercased)/remove", [("csrf", key)]).status == 200)
            #expect(try library.notes(of: id).isEmpty)
            // "no rating" clears it.
            #expect(try await room.post(paper + "/status", [("csrf", key), ("status", "read"), ("rating", "")]).status == 200)
            #expect(try library.paper(id)?.rating == nil)
        }
    }

    @Test func everyUserStringIsEscapedAndNoteMarkupCannotRunScript() async throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let id = try add(library, "<script>alert(1)</script>", status: .reading, tags: ["<img-src=x>"],
                         abstract: "An abstract with <iframe src=x></iframe> in it")
        try library.addNote(to: id, body: "<b onmouseover=alert(2)>raw</b> [click](javascript:alert(3)) [ok](https://example.org/?a=1&b=\"2\")")
        try await RoomClient.with(library) { room in
            for path in ["/", "/papers/\(id.lowercased)", "/search?q=alert", "/tags"] {
                let page = try await room.get(path)
                #expect(page.status == 200, "\(path)")
                #expect(!page.html.contains("<script>alert"), "\(path) holds the title as text")
                #expect(!page.html.contains("<img-src"), "\(path) holds the tag as text")
                #expect(!page.html.contains("<iframe src=x"), "\(path) holds the abstract as text")
                #expect(!page.html.contains("<b onmouseover"), "\(path) holds the note's HTML as text")
                #expect(!page.html.contains("href=\"javascript:"), "\(path) links nowhere but http(s)")
            }
            let paper = try await room.get("/papers/\(id.lowercased)").html
            #expect(paper.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(paper.contains("&lt;b onmouseover=alert(2)&gt;raw&lt;/b&gt;"))
            #expect(paper.contains(#"<a href="https://example.org/?a=1&amp;b=&quot;2&quot;" rel="noopener noreferrer">ok</a>"#))
        }
    }

    @Test func editsWithoutTheFormKeyOrFromAnotherSiteAreRefusedAndChangeNothing() async throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let id = try add(library, "Krylov subspace recycling", status: .queued)
        let path = "/papers/\(id.lowercased)/status"
        try await RoomClient.with(library) { room in
            let key = try await room.formKey()
            let noKey = try await room.post(path, [("status", "read")])
            #expect(noKey.status == 403 && noKey.html.contains("did not come from the reading room"))
            let wrongKey = try await room.post(path, [("csrf", "0123"), ("status", "read")])
            #expect(wrongKey.status == 403)
            let crossSite = try await room.post(path, [("csrf", key), ("status", "read")], headers: [("Sec-Fetch-Site", "cross-site")])
            #expect(crossSite.status == 403 && crossSite.html.contains("came from another site"))
            let otherOrigin = try await room.post(path, [("csrf", key), ("status", "read")], headers: [("Origin", "http://evil.example")])
            #expect(otherOrigin.status == 403)
            // A web page whose DNS name was rebound to 127.0.0.1 cannot read the room either.
            let rebound = try await room.get("/", headers: [("Host", "evil.example:8790")])
            #expect(rebound.status == 403 && !rebound.html.contains("Krylov"))
        }
        #expect(try library.paper(id)?.status == .queued)
    }

    @Test func badRequestsGetAPageThatSaysWhatIsWrongNeverA500() async throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let id = try add(library, "Krylov subspace recycling")
        try await RoomClient.with(library) { room in
            let key = try await room.formKey()
            let cases: [(RoomClient.Page, Int, String)] = [
                (try await room.get("/papers/0b0e5b5e-0000-4000-8000-000000000000"), 404, "no paper has the id 0b0e5b5e-0000-4000-8000-000000000000"),
                (try await room.get("/papers/not-an-id"), 404, "no paper has the id &#39;not-an-id&#39;"),
                (try await room.get("/no/such/page"), 404, "there is no page at /no/such/page"),
                (try await room.get("/search?q=year:soon"), 400, "invalid query term"),
                (try await room.post("/papers/\(id.lowercased)/status", [("csrf", key), ("status", "finished")]), 400,
                 "&#39;finished&#39; is not a reading status; it is one of inbox, queued, reading, read or dropped"),
                (try await room.post("/papers/\(id.lowercased)/status", [("csrf", key), ("status", "read"), ("rating", "9")]), 400,
                 "a rating is a number from 1 to 5, not &#39;9&#39; (Krylov subspace recycling)"),
                (try await room.post("/papers/\(id.lowercased)/notes", [("csrf", key), ("body", "   ")]), 400, "note"),
                (try await room.post("/papers/\(id.lowercased)/notes", [("csrf", key)]), 400, "the form has no field &#39;body&#39;"),
                (try await room.post("/papers/0b0e5b5e-0000-4000-8000-000000000000/tags", [("csrf", key), ("tag", "x")]), 404, "no paper has the id"),
                (try await room.post("/notes/0b0e5b5e-0000-4000-8000-000000000000", [("csrf", key), ("body", "x")]), 404, "note"),
            ]
            for (page, status, message) in cases {
                #expect(page.status == status, "\(message)")
                #expect(page.html.contains(message), "the page says: \(message)")
                #expect(page.html.contains("<h1>"), "a page, not a bare error")
            }
        }
        #expect(try library.paper(id)?.status == .inbox && library.notes(of: id).isEmpty)
    }

    @Test func anEditMadeByAnotherProcessWhileThePageIsOpenIsSeenOnTheNextLoad() async throws {
        let temporary = try TemporaryLibrary()
        let id = try add(temporary.library, "Krylov subspace recycling")
        // The CLI is another connection to the same file.
        let cli = try Library(path: temporary.path)
        try await RoomClient.with(temporary.library) { room in
            let before = try await room.get("/papers/\(id.lowercased)").html
            #expect(!before.contains("from-the-cli"))
            try cli.tag(id, adding: [try TagName("from-the-cli")])
            try cli.addNote(to: id, body: "Written in the terminal.")
            let after = try await room.get("/papers/\(id.lowercased)").html
            #expect(after.contains("#from-the-cli") && after.contains("Written in the terminal."))
            // And the browser's edit does not undo the CLI's: both are kept.
            _ = try await room.post("/papers/\(id.lowercased)/tags", [("csrf", try await room.formKey()), ("tag", "from-the-room")])
        }
        #expect(try cli.detail(id)?.tags.map(\.value) == ["from-the-cli", "from-the-room"])
        #expect(try cli.notes(of: id).count == 1)
    }

    @Test func offLoopbackEveryRequestNeedsTheToken() async throws {
        let temporary = try TemporaryLibrary()
        _ = try add(temporary.library, "Krylov subspace recycling")
        let token = "a3f9c2e71b6d48e0a3f9c2e71b6d48e0"
        try await RoomClient.with(temporary.library, token: token) { room in
            let none = try await room.get("/")
            #expect(none.status == 401 && !none.html.contains("Krylov") && none.html.contains("asks for its token"))
            #expect(try await room.get("/", headers: [("Authorization", "Bearer wrong")]).status == 401)
            #expect(try await room.get("/", headers: [("Cookie", "reader_token=\(token)")]).html.contains("Krylov"))
            let bearer = try await room.get("/", headers: [("Authorization", "Bearer \(token)")])
            #expect(bearer.status == 200 && bearer.html.contains("Krylov"))
            // With a token, any Host is allowed (the room was asked to listen elsewhere).
            #expect(try await room.get("/", headers: [("Authorization", "Bearer \(token)"), ("Host", "lab-desktop:8790")]).status == 200)
        }
    }

    @Test func aConflictCopyIsShownBesideTheNoteAndSettledInOneWrite() async throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let id = try add(library, "Krylov subspace recycling")
        let note = try library.addNote(to: id, body: "My text.")
        let hlc = HLC(millis: 1_800_000_000_000, counter: 0, node: NodeID(rawValue: 0xF00D))
        let copyID = "01900000-0000-7000-8000-000000000001"
        try library.merge([SyncRecord(entity: .note, id: copyID, fields: [
            "paper_id": Stamped(.string(id.lowercased), at: hlc), "body": Stamped(.string("Their text."), at: hlc),
            "conflict_of": Stamped(.string(note.id.lowercased), at: hlc), "title": Stamped(.string("Conflict copy"), at: hlc),
            "trashed": Stamped(.bool(false), at: hlc),
        ])])
        try await RoomClient.with(library) { room in
            let page = try await room.get("/papers/\(id.lowercased)").html
            #expect(page.contains("Conflicting edits"))
            let conflict = try #require(page.range(of: "class=\"conflict\"")).lowerBound
            #expect(page[conflict...].contains("My text.") && page[conflict...].contains("Their text."), "both texts side by side")
            let settled = try await room.post("/notes/\(copyID)/settle", [("csrf", try await room.formKey()), ("body", "My text.\n\nTheir text.")])
            #expect(settled.status == 200 && !settled.html.contains("Conflicting edits"))
        }
        #expect(try library.notes(of: id).map(\.body) == ["My text.\n\nTheir text."], "the merge replaced the note and the copy is gone")
        #expect(try library.textHistory(of: .note, id: note.id.lowercased, field: "body").map(\.text).contains("My text."), "the old text stays in the history")
    }

    @Test func aPaperFileHereIsShownAndServedFromTheStore() async throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let id = try add(library, "Krylov subspace recycling")
        let pdf = Data("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
        let source = temporary.folder.appendingPathComponent("paper.pdf")
        try pdf.write(to: source)
        let stored = try library.files.store(copying: source)
        let attachment = try library.attach(stored, to: id, name: "paper.pdf", sourceURL: nil, origin: .attached)
        try await RoomClient.with(library) { room in
            let page = try await room.get("/papers/\(id.lowercased)").html
            let href = "/papers/\(id.lowercased)/files/\(attachment.sha256.hex)"
            #expect(page.contains("<iframe class=\"pdf\" src=\"\(href)\""))
            let file = try await room.get(href)
            #expect(file.status == 200 && file.header("Content-Type") == "application/pdf")
            #expect(Data(file.html.utf8) == pdf)
            #expect(try await room.get("/papers/\(id.lowercased)/files/\(String(repeating: "0", count: 64))").status == 404)
        }
        #expect(try library.localFiles()[attachment.sha256]?.openedAt != nil, "opening it in the room counts as opening it")
    }

    @Test func searchFindsWordsInsideThePapersWithTheirPage() async throws {
        let temporary = try TemporaryLibrary()
        let library = temporary.library
        let id = try add(library, "Krylov subspace recycling")
        let source = temporary.folder.appendingPathComponent("paper.pdf")
        try Data("%PDF-1.4\n%%EOF\n".utf8).write(to: source)
        let stored = try library.files.store(copying: source)
        _ = try library.attach(stored, to: id, name: "paper.pdf", sourceURL: nil, origin: .attached)
        try library.storeText(of: stored.hash, pages: ["Introduction.", "We prove a bound with the Gershgorin <circle> theorem."], tool: "test")
        let page = try await RoomClient.with(library) { try await $0.get("/search?q=gershgorin") }
        #expect(page.status == 200 && page.html.contains("Krylov subspace recycling"))
        #expect(page.html.contains("<span class=\"page\">p. 2</span>"), "the hit says on which page")
        #expect(page.html.contains("<mark>Gershgorin</mark> &lt;circle&gt;"), "the snippet is marked and escaped")
    }
}
