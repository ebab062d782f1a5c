import Foundation
import Hummingbird
import Logging

/// Turns every error a handler throws into a page that says what is wrong (a
/// missing paper, an invalid status, a route that does not exist), never a bare 500.
struct ProblemPages: RouterMiddleware {
    typealias Context = BasicRequestContext
    let room: ReadingRoom

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await answer(request, context: context, next: next)
        // The time the room spent on the request, for the benchmark and the browser's tools.
        let elapsed = (ContinuousClock.now - start).components
        let millis = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        response.headers[.serverTiming] = "app;dur=" + String(format: "%.2f", millis)
        return response
    }

    func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var problem = RoomError.from(error)
            if problem.status == .notFound, error is HTTPError {
                problem.message = "there is no page at \(request.uri.path.prefix(200))"
            }
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": .string(request.uri.path), "error": .string(problem.message)])
            }
            return try room.page("problem", ["pageTitle": problem.status.reasonPhrase, "heading": problem.status.reasonPhrase,
                                             "message": problem.message], status: problem.status)
        }
    }
}

/// Lets through only requests the room may answer (``Access``).
struct AccessCheck: RouterMiddleware {
    typealias Context = BasicRequestContext
    let access: Access
    let requireLoopbackHost: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority ?? ""
        if requireLoopbackHost, !Access.isLoopback(hostHeader: host) {
            throw RoomError(.forbidden, "the reading room answers only at 127.0.0.1 or localhost, not at '\(host.prefix(80))'; to open it from another machine, run `reader serve --host ADDRESS`, which asks for a token")
        }
        if let token = access.token {
            guard let presented = access.presentedToken(request), Access.same(presented.token, token) else {
                throw RoomError(.unauthorized, "the reading room asks for its token: open the address `reader serve` printed (it ends in ?token=...)")
            }
            if presented.fromQuery {
                // Once: the token becomes a cookie and leaves the address bar and history.
                var response = Response(status: .seeOther, headers: [.location: request.uri.path.isEmpty ? "/" : request.uri.path])
                response.setCookie(Cookie(name: Access.cookie, value: token, path: "/", httpOnly: true, sameSite: .strict))
                return response
            }
        }
        return try await next(request, context)
    }
}

extension HTTPFields.Element.Name {
    static let serverTiming = HTTPFields.Element.Name("Server-Timing") ?? .contentType
}
