import Foundation

/// Where a PostgreSQL database is: a `postgres://user[:password]@host[:port]/database`
/// URL, as `--database` and `READER_SERVER_DATABASE` take it.
///
/// `?sslmode=require` asks for TLS (the server's certificate is checked against the
/// system's roots); anything else connects in the clear, as on a loopback or a private
/// network.
///
/// ```swift
/// let location = try PostgresLocation(url: "postgres://reader@db.lab:5432/reader")
/// ```
public struct PostgresLocation: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var requiresTLS: Bool

    /// Reads a `postgres://` (or `postgresql://`) URL.
    public init(url text: String) throws {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError("'\(text)' is not a PostgreSQL URL: write postgres://USER@HOST:PORT/DATABASE")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError("the PostgreSQL URL '\(Self.redacted(text))' names no host: write postgres://USER@HOST:PORT/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError("the PostgreSQL URL '\(Self.redacted(text))' names no user: write postgres://USER@HOST:PORT/DATABASE")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw StoreError("the PostgreSQL URL '\(Self.redacted(text))' names no database: write postgres://USER@HOST:PORT/DATABASE")
        }
        self.host = host
        port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value
        requiresTLS = mode == "require" || mode == "verify-full" || mode == "verify-ca"
    }

    /// The URL without its password: what logs and messages show.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "…"
        return components.string ?? text
    }
}
