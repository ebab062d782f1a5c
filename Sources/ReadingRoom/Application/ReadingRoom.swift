import Foundation
import Hummingbird
import Logging
import Model
import Mustache
import NIOCore
import Storage

/// The local web reading room: the library's queue, papers, notes, search, tags,
/// reading stats and sync state as pages, and edits through the library's one
/// write path (stamped and queued for sync like the CLI's).
///
/// ```swift
/// let room = try ReadingRoom(library: try Library(path: path))
/// let app = room.application(host: "127.0.0.1", port: 8790, logger: logger)
/// try await app.runService()   // until SIGINT or SIGTERM
/// ```
public struct ReadingRoom: Sendable {
    /// The library the room shows.
    public let library: Library
    let access: Access
    let templates: MustacheLibrary

    /// A room over `library`. With a `token`, every request must carry it (for
    /// listening on an address other than loopback).
    public init(library: Library, token: String? = nil) throws {
        self.library = library
        self.access = Access(token: token)
        self.templates = try Templates.library()
    }

    /// The web application on `host:port`; `onRunning` gets the bound port (useful with port 0).
    public func application(host: String, port: Int, logger: Logger,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(requireLoopbackHost: token == nil),
            configuration: .init(address: .hostname(host, port: port), serverName: "reader"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// The token requests must carry, if any.
    public var token: String? { access.token }

    /// A new random token (32 hexadecimal digits), for a room off loopback.
    public static func newToken() -> String { Access.randomKey() }

    func router(requireLoopbackHost: Bool) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ProblemPages(room: self))
        router.add(middleware: AccessCheck(access: access, requireLoopbackHost: requireLoopbackHost))
        router.get("/") { _, _ in try self.page("queue", try self.queue()) }
        router.get("/search") { request, _ in
            let (context, status) = try self.search(request.uri.queryParameters.get("q") ?? "")
            return try self.page("search", context, status: status)
        }
        router.get("/papers/:id") { _, context in try self.page("paper", try self.paperPage(try self.paperID(context))) }
        router.get("/papers/:id/files/:sha256") { request, context in try await self.file(request, context) }
        router.get("/tags") { _, _ in try self.page("tags", try self.tagsPage()) }
        router.get("/stats") { _, _ in try self.page("stats", try self.statsPage(now: Date())) }
        router.get("/sync") { _, _ in try self.page("sync", try self.syncPage()) }
        router.get("/assets/reader.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("/assets/reader.js") { _, _ in Self.asset(Assets.javaScript, type: "text/javascript; charset=utf-8") }
        addEdits(to: router)
        return router
    }

    // MARK: - Pages

    func queue() throws -> [String: Any] {
        let counts = try library.countsByStatus()
        var groups: [[String: Any]] = []
        for (status, label, limit, empty) in [
            // At a glance: the first 25 of each (the newest), "all N" links to the rest.
            (ReadingStatus.reading, "Reading", 25, "Nothing being read: press Start on a queued paper."),
            (.queued, "Queued", 25, "Nothing queued."),
            (.inbox, "Inbox", 25, "The inbox is empty: `reader add` or `reader import` brings papers in."),
            (.read, "Read lately", 10, "Nothing read yet."),
        ] {
            var query = SearchQuery()
            query.statuses = [status]
            let papers = status == .read ? try library.lastRead(limit: limit) : try library.list(query, sort: .added, limit: limit)
            let count = counts[status] ?? 0
            groups.append([
                "status": status.rawValue, "label": label, "count": count, "empty": empty, "more": count > papers.count,
                "papers": papers.map { PaperView.row($0.paper, tags: $0.tags) },
            ])
        }
        return ["pageTitle": "Queue", "nav": ["queue": true], "back": "/", "groups": groups,
                "counts": ReadingStatus.readingOrder.map { ["status": $0.rawValue, "count": counts[$0] ?? 0] }]
    }

    func search(_ text: String) throws -> ([String: Any], HTTPResponse.Status) {
        var context: [String: Any] = ["pageTitle": text.isEmpty ? "Search" : text, "query": text,
                                      "back": PaperView.search(text)]
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return (context, .ok) }
        context["hasQuery"] = true
        let query: SearchQuery
        do {
            query = try SearchQuery(text)
        } catch {
            context["problem"] = "\(error)"
            return (context, .badRequest)
        }
        let hits = try library.search(query, limit: 50)
        context["summary"] = hits.isEmpty ? "Nothing matches \(text)." : hits.count == 50 ? "The best 50 matches." : "\(hits.count) \(hits.count == 1 ? "paper" : "papers")."
        context["hits"] = hits.map { hit in
            var row = PaperView.row(hit.paper, tags: hit.tags)
            let snippet = HTML.escape(hit.snippet(open: "\u{1}", close: "\u{2}"))
                .replacingOccurrences(of: "\u{1}", with: "<mark>").replacingOccurrences(of: "\u{2}", with: "</mark>")
            row["snippet"] = snippet
            row["page"] = hit.page.map { "p. \($0)" } ?? ""
            return row.pruned()
        }
        return (context, .ok)
    }

    func paperPage(_ id: UUID) throws -> [String: Any] {
        guard let detail = try library.detail(id) else { throw RoomError(.notFound, "no paper has the id \(id.lowercased); it may have been purged") }
        return ["pageTitle": detail.paper.displayTitle, "paper": PaperView.detail(detail), "back": "/papers/\(id.lowercased)"]
    }

    func tagsPage() throws -> [String: Any] {
        ["pageTitle": "Tags", "nav": ["tags": true],
         "tags": try library.tagCounts().map { ["name": $0.tag.value, "papers": $0.papers, "href": PaperView.search("tag:" + $0.tag.value)] }]
    }

    func statsPage(now: Date) throws -> [String: Any] {
        let history = try library.readingHistory(weeks: 52, now: now)
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "d MMM"
        // From the first week anything happened (at least the last 12), so that a young
        // library's charts are not mostly empty.
        let first = history.weeks.firstIndex { $0.added > 0 || $0.read > 0 || $0.unread > 0 } ?? history.weeks.count
        let shown = Array(history.weeks[min(first, max(0, history.weeks.count - 12))...])
        let weeks = shown.map { format.string(from: $0.start) }
        let every = max(1, shown.count / 6)
        return [
            "pageTitle": "Reading", "nav": ["stats": true],
            "counts": ReadingStatus.readingOrder.map { ["status": $0.rawValue, "count": history.byStatus[$0] ?? 0] },
            "notes": Self.count(history.notes, "note"), "highlights": Self.count(history.highlights, "highlight"),
            "medianWait": history.medianWait.map(Self.duration) ?? "",
            "weeks": shown.count,
            "addedChart": SVGChart.bars(zip(weeks, shown).map { ($0, $1.added) }, title: "Papers added per week", labelEvery: every),
            "readChart": SVGChart.bars(zip(weeks, shown).map { ($0, $1.read) }, title: "Papers read per week", labelEvery: every, cssClass: "bar-read"),
            "pileChart": SVGChart.line(zip(weeks, shown).map { ($0, $1.unread) }, title: "Unread papers at the end of each week", labelEvery: every),
            "waitChart": SVGChart.horizontalBars(history.waits.map { ($0.label, $0.papers) }, title: "Papers read, by time from added to read"),
            "tagChart": SVGChart.horizontalBars(history.topTags.map { ("#" + $0.tag.value, $0.papers) }, title: "Papers per tag, top 10"),
        ].pruned()
    }

    func syncPage() throws -> [String: Any] {
        let state = try library.syncState()
        let pending = state.pendingRecords == 0 ? "none" : "\(state.pendingRecords) \(state.pendingRecords == 1 ? "record" : "records") (\(state.pendingFields) field changes)"
        return [
            "pageTitle": "Sync", "nav": ["sync": true], "remote": state.remote?.url ?? "",
            "lastSync": state.lastSyncMillis.map { Self.timestamp(Date(timeIntervalSince1970: Double($0) / 1000)) } ?? "never",
            "pending": pending, "held": state.held.isEmpty ? "" : String(state.held.count), "node": state.node.description,
        ].pruned()
    }

    /// A file of the paper from this machine's store.
    func file(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try paperID(context)
        guard let hash = context.parameters.get("sha256").flatMap(FileHash.init),
              let attachment = try library.attachments(of: id).first(where: { $0.sha256 == hash }) else {
            throw RoomError(.notFound, "this paper has no such file")
        }
        let path = library.files.path(of: hash).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw RoomError(.notFound, "the file \(attachment.name ?? hash.short) is not on this machine: `reader open \(id.lowercased.prefix(8))` fetches it")
        }
        try library.noteOpened(hash)
        let body = try await FileIO(threadPool: .singleton).loadFile(path: path, context: context)
        var headers: HTTPFields = [.contentType: attachment.kind.mediaType, .cacheControl: "private, max-age=31536000, immutable"]
        headers[.xContentTypeOptions] = "nosniff"
        // A stored page runs no script and reaches nothing of the room.
        if attachment.kind != .pdf { headers[.contentSecurityPolicy] = "sandbox" }
        if let name = attachment.name {
            headers[.contentDisposition] = "inline; filename*=UTF-8''" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file")
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: - Rendering

    /// A page from its template, with the values every page has.
    func page(_ name: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        var values = values
        values["csrf"] = access.formKey
        values["library"] = library.path
        guard let html = templates.render(values, withTemplate: name) else {
            throw RoomError(.internalServerError, "the page template \(name) is missing")
        }
        return Self.html(html, status: status)
    }

    static func html(_ html: String, status: HTTPResponse.Status) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        // The second line of defence behind escaping: no inline script runs, nothing loads from elsewhere.
        headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func paperID(_ context: BasicRequestContext) throws -> UUID {
        let text = context.parameters.get("id") ?? ""
        guard let id = UUID(parsing: text) else { throw RoomError(.notFound, "no paper has the id '\(text.prefix(80))'") }
        return id
    }

    static func timestamp(_ date: Date) -> String {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return format.string(from: date) + " UTC"
    }

    /// "1 note", "3 notes".
    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    /// "3 days", "5 hours".
    static func duration(_ seconds: TimeInterval) -> String {
        let days = seconds / 86_400
        if days >= 2 { return "\(Int(days.rounded())) days" }
        let hours = seconds / 3600
        if hours >= 2 { return "\(Int(hours.rounded())) hours" }
        return "\(max(1, Int((seconds / 60).rounded()))) minutes"
    }
}
