import Synchronization

/// Runs write transactions one at a time, in the order they arrive, each free to
/// await inside: what a single-writer database needs when a push's transaction
/// spans several calls.
///
/// Pushes that arrive together are **committed together** (group commit): the
/// queue opens one transaction, runs each waiting push in it (the store gives each
/// its own savepoint, so one that fails leaves the others as they are), commits
/// once, and only then answers each push with its own outcome. Fifty clients then
/// share one disk flush instead of queueing for fifty.
///
/// ```swift
/// let result = try await writes.run { try await pool.write { ... } }       // alone
/// let answer = try await writes.runGrouped { try await push(...) }         // in a group
/// ```
final class WriteQueue: Sendable {
    /// A push: `run` runs it inside the group's transaction and returns what answers
    /// it once the commit's outcome is known; `refuse` answers it without running.
    private struct GroupedJob: Sendable {
        let run: @Sendable () async -> @Sendable ((any Error)?) -> Void
        let refuse: @Sendable (any Error) -> Void
    }

    private enum Job: Sendable {
        case alone(@Sendable () async -> Void)
        case grouped(GroupedJob)
    }

    /// How a group's transaction begins, commits and rolls back.
    struct Transaction: Sendable {
        var begin: @Sendable () throws -> Void
        var commit: @Sendable () throws -> Void
        var rollback: @Sendable () -> Void
    }

    /// The most pushes one transaction holds by default.
    static let largestGroup = 64
    /// The most pushes one transaction holds here (1: every push commits alone).
    let largestGroup: Int

    private let pending = Mutex<[Job]>([])
    private let wake: AsyncStream<Void>.Continuation
    private let groups = Atomic<Int>(0)

    init(transaction: Transaction, largestGroup: Int = WriteQueue.largestGroup) {
        self.largestGroup = max(1, largestGroup)
        let (stream, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wake = wake
        Task.detached { [weak self] in
            for await _ in stream {
                guard let self else { return }
                await self.drain(transaction)
            }
        }
    }

    deinit { wake.finish() }

    /// Pushes waiting for the writer now.
    var waiting: Int { pending.withLock { $0.count } }

    /// Group transactions committed so far (each holding one or more pushes).
    var groupsCommitted: Int { groups.load(ordering: .relaxed) }

    /// Runs `body` alone, once every job enqueued before it has finished.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (result: CheckedContinuation<T, any Error>) in
            enqueue(.alone {
                do { result.resume(returning: try await body()) } catch { result.resume(throwing: error) }
            })
        }
    }

    /// Runs `body` inside a transaction it may share with other pushes, and
    /// returns its result once that transaction has committed.
    func runGrouped<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (result: CheckedContinuation<T, any Error>) in
            enqueue(.grouped(GroupedJob(run: {
                do {
                    let value = try await body()
                    return { committed in
                        if let committed { result.resume(throwing: committed) } else { result.resume(returning: value) }
                    }
                } catch {
                    return { _ in result.resume(throwing: error) }
                }
            }, refuse: { error in result.resume(throwing: error) })))
        }
    }

    private func enqueue(_ job: Job) {
        pending.withLock { $0.append(job) }
        wake.yield()
    }

    /// Runs every waiting job in order; consecutive pushes as groups.
    private func drain(_ transaction: Transaction) async {
        while true {
            let jobs = pending.withLock { jobs -> [Job] in
                defer { jobs.removeAll() }
                return jobs
            }
            if jobs.isEmpty { return }
            var group: [GroupedJob] = []
            for job in jobs {
                switch job {
                case .grouped(let push):
                    group.append(push)
                    if group.count == largestGroup { await commit(group, transaction); group = [] }
                case .alone(let body):
                    if !group.isEmpty { await commit(group, transaction); group = [] }
                    await body()
                }
            }
            if !group.isEmpty { await commit(group, transaction) }
        }
    }

    private func commit(_ group: [GroupedJob], _ transaction: Transaction) async {
        do {
            try transaction.begin()
        } catch {
            for push in group { push.refuse(error) }
            return
        }
        var answers: [@Sendable ((any Error)?) -> Void] = []
        answers.reserveCapacity(group.count)
        for push in group { answers.append(await push.run()) }
        var failure: (any Error)?
        do {
            try transaction.commit()
            groups.add(1, ordering: .relaxed)
        } catch {
            failure = error
            transaction.rollback()
        }
        for answer in answers { answer(failure) }
    }
}
