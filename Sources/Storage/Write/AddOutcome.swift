import Foundation

/// What happened to one draft given to ``Library/add(_:)`` or ``Library/importPapers(_:)``.
public enum AddOutcome: Hashable, Sendable {
    /// A new paper.
    case added(UUID)
    /// The paper was already there; these fields it lacked were filled.
    case merged(UUID, fields: [String])
    /// The paper was already there with everything the draft had.
    case unchanged(UUID)

    /// The paper concerned.
    public var paperID: UUID {
        switch self {
        case .added(let id), .merged(let id, _), .unchanged(let id): id
        }
    }
}
