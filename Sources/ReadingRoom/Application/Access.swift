import Foundation
import Hummingbird

/// Who may use the reading room, and proof that an edit comes from its own pages.
///
/// On the loopback address (the default) only this machine can connect, and the
/// `Host` header must name the loopback address too, so that a web page cannot
/// reach the room through a DNS name it rebinds to 127.0.0.1. On any other address a
/// token is required on every request: `?token=T` once (it becomes a cookie), a
/// `reader_token` cookie, or `Authorization: Bearer T`.
///
/// Every edit is a POST carrying the room's form key, which only its own pages hold
/// (a page of another site cannot read them), from a page of the same origin.
struct Access: Sendable {
    /// The token every request must carry; nil on the loopback address.
    var token: String?
    /// The form key of this run of the room.
    var formKey: String

    static let cookie = "reader_token"

    init(token: String?, formKey: String = Access.randomKey()) {
        self.token = token
        self.formKey = formKey
    }

    /// 32 random hexadecimal digits.
    static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// Whether `host` (a `Host` header) names this machine's loopback address.
    static func isLoopback(hostHeader host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("[") {
            name = String(name.dropFirst().prefix(while: { $0 != "]" }))
        } else if let colon = name.lastIndex(of: ":") {
            name = String(name[..<colon])
        }
        return name == "127.0.0.1" || name == "localhost" || name == "::1"
    }

    /// Compares two secrets in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// The token a request carries, from its header, cookie or address.
    func presentedToken(_ request: Request) -> (token: String, fromQuery: Bool)? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return (String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), false)
        }
        if let cookie = request.cookies[Access.cookie]?.value { return (cookie, false) }
        if let query = request.uri.queryParameters.get("token") { return (query, true) }
        return nil
    }

    /// Checks that a POST comes from a page of the room itself.
    func checkSameOrigin(_ request: Request) throws(RoomError) {
        if let site = request.headers[.secFetchSite], !["same-origin", "none"].contains(site.lowercased()) {
            throw RoomError(.forbidden, "this edit came from another site (\(site)); edits are accepted only from the reading room's own pages")
        }
        if let origin = request.headers[.origin], origin != "null" {
            let host = request.head.authority ?? ""
            guard let url = URL(string: origin), let originHost = url.host else {
                throw RoomError(.forbidden, "this edit came from another site (\(origin))")
            }
            let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
            guard originAuthority.lowercased() == host.lowercased() else {
                throw RoomError(.forbidden, "this edit came from another site (\(origin)); edits are accepted only from the reading room's own pages")
            }
        }
    }

    /// Checks the form key a POST carries.
    func checkFormKey(_ key: String?) throws(RoomError) {
        guard let key, Access.same(key, formKey) else {
            throw RoomError(.forbidden, "this form is out of date or did not come from the reading room (its key does not match this run of `reader serve`); reload the page and try again")
        }
    }
}
