import Model
import SyncWire

/// How the engine reaches a sync server: HTTP in the `reader` command
/// (``HTTPTransport``), a direct call into the server's logic in tests.
public protocol SyncTransport: Sendable {
    /// `GET …/session?node=`.
    func session(node: NodeID) async throws -> Session
    /// `GET …/changes?cursor=&limit=&node=`: with `node`, what that node pushed
    /// itself is left out (the cursor passes it).
    func changes(after cursor: Int64, limit: Int, notPushedBy node: NodeID?) async throws -> ChangesPage
    /// `POST …/push` with the stored body and its idempotency key.
    func push(body: String, idempotencyKey: String) async throws -> PushReceipt
}

/// Why a sync stopped. Everything stored locally is as it was before the step
/// that failed; running `reader sync` again continues.
public enum SyncError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No remote is set, or no token.
    case notConfigured(String)
    /// The server could not be reached (refused, DNS, timeout, connection cut).
    case unreachable(url: String, reason: String)
    /// The server answered with a protocol error.
    case server(status: Int, error: WireErrorBody)
    /// The server answered something that is not protocol v1.
    case badResponse(url: String, reason: String)

    /// The text form.
    public var description: String {
        switch self {
        case .notConfigured(let reason): reason
        case .unreachable(let url, let reason): "could not reach the sync server at \(url): \(reason). Nothing was lost; run `reader sync` again later."
        case .server(let status, let error): "the sync server refused (HTTP \(status) \(error.error)): \(error.message)"
        case .badResponse(let url, let reason): "the sync server at \(url) answered something reader cannot read: \(reason)"
        }
    }
}
