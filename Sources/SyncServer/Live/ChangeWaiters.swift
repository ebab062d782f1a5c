import Synchronization

/// Pulls waiting for a library's next push (`changes?wait=S`): the long poll that
/// lets an online machine see another's edit within a second.
///
/// No wake-up is lost between a pull finding nothing and its starting to wait: the
/// pull takes a ``Ticket`` (the library's push count) *before* it reads the store,
/// and a push signals only *after* it commits. A push that committed before the
/// ticket was taken is in what the pull read; one that committed after moved the
/// count past the ticket, and ``wait(for:holder:upTo:)`` returns at once.
///
/// It hears the pushes of this server process where they commit, and those of other
/// processes over the same database through the store (``SyncStore/listenForPushes(_:)``:
/// PostgreSQL's `NOTIFY`, delivered after their commit). Waiters are capped per token,
/// and ``close()`` (shutdown) answers them all.
final class ChangeWaiters: Sendable {
    /// A library's push count when a pull began.
    struct Ticket: Sendable {
        fileprivate let library: Int64
        fileprivate let pushes: Int64
        fileprivate let everything: Int64
    }

    /// Why a wait ended.
    enum Ending: Sendable, Equatable {
        /// A push to the library committed.
        case pushed
        /// The time asked for passed.
        case timedOut
        /// The server is shutting down (or the request was cancelled).
        case closing
    }

    /// A token already holds this many waiting pulls.
    struct TooManyWaiters: Error {
        let limit: Int
    }

    private struct Entry {
        let library: Int64
        let holder: String
        /// Set once the pull parks.
        var continuation: CheckedContinuation<Ending, Never>?
        /// Set when the wait ended before the pull parked.
        var ending: Ending?
    }

    private struct State {
        var pushes: [Int64: Int64] = [:]
        /// How many times every library was signalled at once (``signalAll()``).
        var everything: Int64 = 0
        var entries: [Int: Entry] = [:]
        var byHolder: [String: Int] = [:]
        var nextID = 0
        var closed = false

        /// Ends a wait: the continuation to resume, or nil when the pull has not
        /// parked yet (it finds `ending` when it does) or already ended.
        mutating func end(_ id: Int, with ending: Ending) -> CheckedContinuation<Ending, Never>? {
            guard var entry = entries[id] else { return nil }
            guard let continuation = entry.continuation else {
                if entry.ending == nil { entry.ending = ending; entries[id] = entry }
                return nil
            }
            remove(id)
            return continuation
        }

        mutating func remove(_ id: Int) {
            guard let entry = entries.removeValue(forKey: id) else { return }
            byHolder[entry.holder, default: 1] -= 1
            if byHolder[entry.holder] == 0 { byHolder[entry.holder] = nil }
        }
    }

    /// The most pulls one token may hold waiting at once.
    let limitPerHolder: Int
    private let state = Mutex(State())

    init(limitPerHolder: Int = 8) {
        self.limitPerHolder = limitPerHolder
    }

    /// The library's push count now: take it before reading the store.
    func ticket(for library: Int64) -> Ticket {
        state.withLock { Ticket(library: library, pushes: $0.pushes[library, default: 0], everything: $0.everything) }
    }

    /// Tells the library's waiting pulls that a push committed.
    func signal(library: Int64) {
        let woken = state.withLock { state -> [CheckedContinuation<Ending, Never>] in
            state.pushes[library, default: 0] += 1
            let ids = state.entries.filter { $0.value.library == library }.map(\.key)
            return ids.compactMap { state.end($0, with: .pushed) }
        }
        for continuation in woken { continuation.resume(returning: .pushed) }
    }

    /// Wakes every waiting pull of every library: pushes may have been missed (the
    /// connection that hears other processes' pushes was lost).
    func signalAll() {
        let woken = state.withLock { state -> [CheckedContinuation<Ending, Never>] in
            state.everything += 1
            return state.entries.keys.compactMap { state.end($0, with: .pushed) }
        }
        for continuation in woken { continuation.resume(returning: .pushed) }
    }

    /// Answers every waiting pull, and every later one at once: the server is stopping.
    func close() {
        let woken = state.withLock { state -> [CheckedContinuation<Ending, Never>] in
            state.closed = true
            return state.entries.keys.compactMap { state.end($0, with: .closing) }
        }
        for continuation in woken { continuation.resume(returning: .closing) }
    }

    /// How many pulls wait now.
    var waiting: Int { state.withLock { $0.entries.count } }

    /// Waits until a push to the ticket's library commits after the ticket was
    /// taken, `duration` passes, the server closes or the task is cancelled.
    /// Throws ``TooManyWaiters`` when `holder` (a token) already has its limit waiting.
    func wait(for ticket: Ticket, holder: String, upTo duration: Duration) async throws -> Ending {
        let id = try register(ticket, holder: holder)
        return await withTaskGroup(of: Ending.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in self.park(id, continuation) }
                } onCancel: {
                    self.end(id, with: .closing)
                }
            }
            group.addTask {
                let slept: Void? = try? await Task.sleep(for: duration)
                self.end(id, with: slept == nil ? .closing : .timedOut)
                return slept == nil ? .closing : .timedOut
            }
            let first = await group.next() ?? .closing
            group.cancelAll()
            return first
        }
    }

    /// Counts a pull against its holder's limit before it parks, and settles at once
    /// a pull whose library was pushed to since its ticket (or a closed server).
    private func register(_ ticket: Ticket, holder: String) throws -> Int {
        try state.withLock { state in
            guard state.byHolder[holder, default: 0] < limitPerHolder else { throw TooManyWaiters(limit: limitPerHolder) }
            state.nextID += 1
            var entry = Entry(library: ticket.library, holder: holder)
            if state.closed {
                entry.ending = .closing
            } else if state.pushes[ticket.library, default: 0] != ticket.pushes || state.everything != ticket.everything {
                entry.ending = .pushed
            }
            state.entries[state.nextID] = entry
            state.byHolder[holder, default: 0] += 1
            return state.nextID
        }
    }

    private func park(_ id: Int, _ continuation: CheckedContinuation<Ending, Never>) {
        let early = state.withLock { state -> Ending? in
            guard var entry = state.entries[id] else { return .closing }
            if let ending = entry.ending {
                state.remove(id)
                return ending
            }
            entry.continuation = continuation
            state.entries[id] = entry
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    private func end(_ id: Int, with ending: Ending) {
        state.withLock { $0.end(id, with: ending) }?.resume(returning: ending)
    }
}
