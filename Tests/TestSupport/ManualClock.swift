import Synchronization

/// A wall clock that tests set by hand, backwards too, shared by a test and the
/// code it drives (libraries, the sync service).
public final class ManualClock: Sendable {
    private let value: Mutex<Int64>

    /// Starts at `millis` (Unix milliseconds; by default a day in 2026).
    public init(_ millis: Int64 = 1_790_000_000_000) { value = Mutex(millis) }

    /// The time, in Unix milliseconds.
    public var millis: Int64 {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }

    /// Sets the time.
    public func set(_ millis: Int64) { self.millis = millis }

    /// Moves the time by `millis` (back, when negative).
    public func advance(_ millis: Int64) { value.withLock { $0 += millis } }

    /// The clock as a library takes it.
    public var now: @Sendable () -> UInt64 { { [self] in UInt64(max(0, millis)) } }
}
