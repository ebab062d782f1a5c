import Foundation
import SyncWire

/// `reader sync --watch`: keeps a library in sync while it runs. It syncs, then
/// waits for whichever comes first: the server has changes after the cursor (a long
/// poll, `changes?wait=`), or another process wrote to the library (its write
/// version, polled); then syncs again. A server that is away is tried again after a
/// ``Backoff``; an error that waiting cannot fix (no remote, a refused token) ends
/// the watch. Cancelling the task (Ctrl-C) ends it between two steps; every step is
/// the ordinary sync, safe to interrupt.
///
/// The pieces are closures so that tests can drive it without a network:
///
/// ```swift
/// let watcher = SyncWatcher(
///     sync: { try await engine.sync().cursor },
///     waitForServer: { cursor in try await transport.waitForChanges(after: cursor, notPushedBy: node, upTo: 25).cursor > cursor },
///     writeVersion: { try library.othersWriteVersion() })
/// try await watcher.run()
/// ```
public struct SyncWatcher: Sendable {
    /// What the watch did, for the terminal.
    public enum Event: Sendable {
        /// A sync finished; its cursor, and why it ran.
        case synced(cursor: Int64, because: Reason)
        /// The server could not be reached or answered an error worth retrying.
        case away(reason: String, retryingIn: Duration)
    }

    /// Why a sync ran.
    public enum Reason: Sendable, Equatable {
        case start, serverChanged, localChanged, retry
    }

    /// One sync (records, and files if wanted); returns the cursor it reached.
    let sync: @Sendable () async throws -> Int64
    /// Waits up to the long poll's time for changes after the cursor; true when there are.
    let waitForServer: @Sendable (Int64) async throws -> Bool
    /// The library's write version (``Storage/Library/othersWriteVersion()``).
    let writeVersion: @Sendable () throws -> Int64
    /// How often the write version is read.
    var pollEvery: Duration
    /// The waits after failures.
    var backoff: Backoff
    /// Told of each sync and failure.
    var events: @Sendable (Event) -> Void

    /// Creates a watcher.
    public init(sync: @escaping @Sendable () async throws -> Int64, waitForServer: @escaping @Sendable (Int64) async throws -> Bool,
                writeVersion: @escaping @Sendable () throws -> Int64, pollEvery: Duration = .milliseconds(200),
                backoff: Backoff = Backoff(), events: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.sync = sync
        self.waitForServer = waitForServer
        self.writeVersion = writeVersion
        self.pollEvery = pollEvery
        self.backoff = backoff
        self.events = events
    }

    /// Runs until the task is cancelled (returns) or an error retrying cannot fix (throws).
    public func run() async throws {
        var reason = Reason.start
        var failures = 0
        // The long poll in progress. It outlives a sync started by a local edit (that
        // sync's push wakes it, and the next wait finds it answered), so that a watch
        // holds one waiting pull on the server, however often the library is edited.
        var poll: Task<Void, any Error>?
        defer { poll?.cancel() }
        while !Task.isCancelled {
            do {
                // Read before the sync: an edit made while it runs starts the next one.
                let version = try writeVersion()
                let cursor = try await sync()
                failures = 0
                events(.synced(cursor: cursor, because: reason))
                if poll == nil { poll = longPoll(after: cursor) }
                reason = try await nextChange(poll: poll, version: version)
                if reason == .serverChanged { poll = nil }
            } catch where Self.isCancellation(error) {
                return
            } catch let error as SyncError where error.isWorthRetrying {
                poll = nil
                failures += 1
                let delay = backoff.delay(afterFailures: failures)
                events(.away(reason: error.description, retryingIn: delay))
                do { try await Task.sleep(for: delay) } catch { return }
                reason = .retry
            }
        }
    }

    /// Long polls until the server has changes after `cursor`.
    func longPoll(after cursor: Int64) -> Task<Void, any Error> {
        Task {
            while try await !waitForServer(cursor) { try Task.checkCancellation() }
        }
    }

    /// Waits for the long poll to find changes or for another process to write to
    /// the library, whichever comes first. The long poll is not cancelled when the
    /// library wins.
    func nextChange(poll: Task<Void, any Error>?, version: Int64) async throws -> Reason {
        let (reasons, found) = AsyncThrowingStream.makeStream(of: Reason.self)
        let server = Task {
            do {
                try await poll?.value
                found.yield(.serverChanged)
            } catch {
                found.finish(throwing: error)
            }
        }
        let local = Task {
            do {
                while try writeVersion() == version { try await Task.sleep(for: pollEvery) }
                found.yield(.localChanged)
            } catch {
                found.finish(throwing: error)
            }
        }
        defer {
            server.cancel()
            local.cancel()
        }
        return try await withTaskCancellationHandler {
            for try await reason in reasons { return reason }
            throw CancellationError()
        } onCancel: {
            found.finish()
        }
    }

    static func isCancellation(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if case .unreachable = error as? SyncError { return Task.isCancelled }
        return false
    }
}

extension SyncError {
    /// Whether trying again later can succeed: the server was away, busy or failed,
    /// not a wrong remote, token or protocol.
    public var isWorthRetrying: Bool {
        switch self {
        case .unreachable: true
        case .server(let status, _): status >= 500 || status == 429 || status == 408
        case .notConfigured, .badResponse: false
        }
    }
}
