/// How long `reader sync --watch` waits before trying a server that is away:
/// doubling from `first` up to `longest`, each wait drawn between half and all of
/// it ("equal jitter"), so that machines that lost the same server do not all come
/// back in the same instant.
///
/// ```swift
/// var backoff = Backoff()
/// backoff.delay(afterFailures: 3)   // between 2 and 4 seconds
/// ```
public struct Backoff: Sendable {
    /// The wait after the first failure, before jitter.
    public var first: Duration
    /// The longest wait, before jitter.
    public var longest: Duration

    /// Creates a backoff.
    public init(first: Duration = .seconds(1), longest: Duration = .seconds(60)) {
        self.first = first
        self.longest = longest
    }

    /// The wait after `failures` failures in a row (1 or more), with `unit` a
    /// number in 0...1 (random in use; fixed in tests).
    public func delay(afterFailures failures: Int, unit: Double) -> Duration {
        let doublings = min(max(failures - 1, 0), 30)
        let ceiling = min(first * (1 << doublings), longest)
        return ceiling * (0.5 + 0.5 * min(max(unit, 0), 1))
    }

    /// The wait after `failures` failures in a row, with fresh jitter.
    public func delay(afterFailures failures: Int) -> Duration {
        delay(afterFailures: failures, unit: Double.random(in: 0...1))
    }
}
