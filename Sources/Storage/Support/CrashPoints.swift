import Synchronization

/// Labelled points of the client's sync path where tests inject a crash.
///
/// In production nothing is set and a check costs one lock. A test (through
/// `@testable import`) sets ``onPoint`` to throw at a point: the write in progress
/// rolls back, as it would if the process died there, and the test reopens the
/// database as a restarted process would.
package final class CrashPoints: Sendable {
    /// The points, by name.
    package enum Point: String, CaseIterable, Sendable {
        /// A local write has changed its row; its outbox entry is not written yet.
        case afterLocalWriteBeforeOutbox = "client.afterLocalWriteBeforeOutbox"
        /// Half the records of a pulled page are stored.
        case midPageApply = "client.midPageApply"
        /// Every record of a pulled page is stored; its cursor is not.
        case afterApplyBeforeCursor = "client.afterApplyBeforeCursor"
    }

    private let handler = Mutex<(@Sendable (Point) throws -> Void)?>(nil)

    /// What happens at each point (nil: nothing).
    var onPoint: (@Sendable (Point) throws -> Void)? {
        get { handler.withLock { $0 } }
        set { handler.withLock { $0 = newValue } }
    }

    /// Passes a point: throws when a test has set a crash there.
    func pass(_ point: Point) throws {
        try onPoint?(point)
    }
}
