/// Why a lookup did not give metadata.
public enum LookupError: Error, CustomStringConvertible, Sendable {
    /// The service could not be reached (no network, DNS, refused, timed out):
    /// worth trying again later.
    case unreachable(service: String, reason: String)
    /// The service answered that it has no such paper.
    case notFound(service: String, identifier: String, reason: String)
    /// The service answered something reader cannot read.
    case badResponse(service: String, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let service, let reason): "could not reach \(service): \(reason)"
        case .notFound(let service, let identifier, let reason): "\(service) has no paper \(identifier): \(reason)"
        case .badResponse(let service, let reason): "\(service) answered something reader cannot read: \(reason)"
        }
    }
}
