import Synchronization

/// Runs write transactions one at a time, in the order they arrive, each free to
/// await inside: what a single-writer database needs when a push's transaction
/// spans several calls, and what a library's counter row needs on PostgreSQL.
///
/// Pushes that arrive together are **committed together** (group commit): the
/// queue opens one transaction, runs each waiting push in it (the store gives each
/// its own savepoint, so one that fails leaves the others as they are), commits
/// once, and only then answers each push with its own outcome. Fifty clients then
/// share one disk flush instead of queueing for fifty, and on PostgreSQL one hold
/// of the library's counter row.
///
/// `Context` is what a group's transaction hands each push (the connection it runs
/// on, for PostgreSQL; nothing for SQLite); `Request` is what each push declares
/// before it runs, so that the transaction can prepare for the whole group at once
/// (PostgreSQL reads every push's rows in one query).
///
/// ```swift
/// let result = try await writes.run { try await pool.write { ... } }                          // alone
/// let answer = try await writes.runGrouped(request) { context in try await push(context) }    // in a group
/// ```
final class WriteQueue<Context: Sendable, Request: Sendable>: Sendable {
    /// A push: `run` runs it inside the group's transaction and returns what answers
    /// it once the commit's outcome is known; `refuse` answers it without running.
    private struct GroupedJob: Sendable {
        let request: Request
        let run: @Sendable (Context) async -> @Sendable ((any Error)?) -> Void
        let refuse: @Sendable (any Error) -> Void
    }

    private enum Job: Sendable {
        case alone(@Sendable () async -> Void)
        case grouped(GroupedJob)
    }

    /// How a group's transaction runs: `run(requests, group)` begins it, calls `group`
    /// once with its context, and commits; when any of that fails it rolls back and
    /// throws. `requests` are the group's pushes', in the order `group` runs them.
    struct Transaction: Sendable {
        var run: @Sendable (_ requests: [Request], _ group: @Sendable (Context) async -> Void) async throws -> Void
    }

    /// The most pushes one transaction holds here (1: every push commits alone).
    let largestGroup: Int

    private let pending = Mutex<[Job]>([])
    private let wake: AsyncStream<Void>.Continuation
    private let groups = Atomic<Int>(0)

    init(transaction: Transaction, largestGroup: Int = ServerDatabase.largestPushGroup) {
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
    func runGrouped<T: Sendable>(_ request: Request, _ body: @escaping @Sendable (Context) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (result: CheckedContinuation<T, any Error>) in
            enqueue(.grouped(GroupedJob(request: request, run: { context in
                do {
                    let value = try await body(context)
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

    /// One group in one transaction. A push that ran is answered with its own
    /// outcome, or with the commit's failure; one the transaction never reached
    /// (it failed to begin, or broke before) is refused with that failure.
    private func commit(_ group: [GroupedJob], _ transaction: Transaction) async {
        let answers = Mutex<[@Sendable ((any Error)?) -> Void]>([])
        do {
            try await transaction.run(group.map(\.request)) { context in
                for push in group {
                    let answer = await push.run(context)
                    answers.withLock { $0.append(answer) }
                }
            }
            groups.add(1, ordering: .relaxed)
            for answer in answers.withLock({ $0 }) { answer(nil) }
        } catch {
            let ran = answers.withLock { $0 }
            for answer in ran { answer(error) }
            for push in group.dropFirst(ran.count) { push.refuse(error) }
        }
    }
}
