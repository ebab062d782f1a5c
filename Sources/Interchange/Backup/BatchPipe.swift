import Foundation
import Model

/// Hands parsed batches from the parsing thread to the storing one, in order,
/// at most a few batches ahead.
final class BatchPipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: Result<[BackupItem], ImportError>] = [:]
    private var taken = 0
    private var cancelled = false
    private let ahead = 4

    /// Waits until batch `index` may be parsed; false once the reader has stopped.
    func waitForRoom(before index: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while index - taken >= ahead, !cancelled { condition.wait() }
        return !cancelled
    }

    func put(_ result: Result<[BackupItem], ImportError>, at index: Int) {
        condition.lock()
        ready[index] = result
        condition.broadcast()
        condition.unlock()
    }

    func take(_ index: Int) -> Result<[BackupItem], ImportError> {
        condition.lock()
        defer { condition.unlock() }
        while ready[index] == nil { condition.wait() }
        taken = index + 1
        condition.broadcast()
        return ready.removeValue(forKey: index)!
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
