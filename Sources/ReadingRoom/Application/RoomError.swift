import Hummingbird
import Storage

/// A request the reading room cannot answer as asked, shown to the user as a page
/// that says what is wrong.
struct RoomError: Error, CustomStringConvertible {
    /// The answer's status.
    var status: HTTPResponse.Status
    /// What is wrong, for the page.
    var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }

    /// The page for any error a handler throws: the library's own errors say which
    /// paper or field is wrong; anything else is reported without a stack trace.
    static func from(_ error: any Error) -> RoomError {
        switch error {
        case let error as RoomError:
            return error
        case let error as StorageError:
            switch error {
            case .paperNotFound, .recordNotFound, .paperInTrash, .paperNotInTrash: return RoomError(.notFound, error.description)
            case .invalidValue, .invalidRecord, .ambiguousReference, .ambiguousRecord, .paperPurged: return RoomError(.badRequest, error.description)
            default: return RoomError(.internalServerError, error.description)
            }
        case let error as HTTPError:
            return RoomError(error.status, error.body ?? error.status.reasonPhrase)
        default:
            return RoomError(.internalServerError, "\(error)")
        }
    }
}
