/// Runs write transactions one at a time, in the order they arrive, each free to
/// await inside: what a single-writer database needs when a push's transaction
/// spans several calls.
///
/// One task drains an `AsyncStream` of jobs for the queue's lifetime; a caller
/// enqueues its job and awaits its result.
///
/// ```swift
/// let result = try await writes.run { try await transaction(...) }
/// ```
final class WriteQueue: Sendable {
    private typealias Job = @Sendable () async -> Void
    private let jobs: AsyncStream<Job>.Continuation

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Job.self)
        jobs = continuation
        Task.detached {
            for await job in stream { await job() }
        }
    }

    deinit { jobs.finish() }

    /// Runs `body` once every job enqueued before it has finished, and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (result: CheckedContinuation<T, any Error>) in
            let job: Job = {
                do { result.resume(returning: try await body()) } catch { result.resume(throwing: error) }
            }
            if case .terminated = jobs.yield(job) {
                result.resume(throwing: StoreError("the store is closed"))
            }
        }
    }
}
