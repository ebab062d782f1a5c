import Hummingbird

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
