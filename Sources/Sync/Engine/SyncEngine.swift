import Foundation
import Model
import Storage
import SyncWire

/// The client side of sync: pushes the outbox, then pulls until nothing is left.
///
/// Every step is safe to interrupt (kill -9, network cut): a batch is stored before
/// it is sent and resent with the same idempotency key until acknowledged; a pulled
/// page is applied together with its cursor in one transaction. Running the sync
/// again continues where it stopped.
///
/// ```swift
/// let engine = SyncEngine(library: library, transport: try HTTPTransport(libraryURL: url, token: token))
/// let report = try await engine.sync()
/// ```
public struct SyncEngine: Sendable {
    /// The library to sync.
    public let library: Library
    /// How the server is reached.
    public let transport: any SyncTransport
    /// Names this device in conflict copies.
    public var device: String
    /// Called after each batch and page.
    public var progress: (@Sendable (SyncProgress) -> Void)?
    /// The file beside the database holding its instance id (restore detection).
    public var instanceFile: String

    /// Creates an engine.
    public init(library: Library, transport: any SyncTransport, device: String = ProcessInfo.processInfo.hostName,
                progress: (@Sendable (SyncProgress) -> Void)? = nil) {
        self.library = library
        self.transport = transport
        self.device = device
        self.progress = progress
        self.instanceFile = library.path + ".instance"
    }

    /// Pushes every waiting change, then pulls every change of others, and repeats
    /// while either side still has something (a merge to push again, a resync).
    public func sync() async throws -> SyncReport {
        var report = SyncReport()
        let heldBefore = try library.syncState().held.count
        var session = try await checkIdentity(report: &report)
        for _ in 0..<4 {
            try await pushAll(session: &session, report: &report)
            try await pullAll(report: &report)
            if try library.syncState().pendingFields == 0 { break }
        }
        if report.purged > 0 {
            // Papers purged elsewhere take their files with them here too.
            try library.purgeUnreferencedFiles()
        }
        let state = try library.syncState()
        report.setAside = max(0, state.held.count - heldBefore)
        report.cursor = state.cursor
        report.clockOffsetMillis = state.clockOffsetMillis
        try library.markSynced(at: Int64(library.localWallMillis()))
        return report
    }

    /// What a sync would send and receive, without writing anything.
    public func dryRun() async throws -> DryRunReport {
        let state = try library.syncState()
        var report = DryRunReport(batchInFlight: state.batchInFlight, cursor: state.cursor)
        report.held = state.held
        for change in try library.pendingChanges(limit: Int.max) {
            report.pending[change.change.entity.rawValue, default: 0] += 1
        }
        let start = library.localWallMillis()
        let session = try await transport.session(node: state.node)
        report.clockOffsetMillis = Self.offset(server: session.serverTimeMillis, sentAt: start, receivedAt: library.localWallMillis())
        report.headSeq = session.headSeq
        var cursor = session.epoch == state.epoch ? state.cursor : 0
        report.cursor = cursor
        while true {
            let page = try await transport.changes(after: cursor, limit: session.limits.maxPullLimit, notPushedBy: state.node)
            for change in page.changes { report.incoming[change.entity, default: 0] += 1 }
            cursor = page.cursor
            if !page.hasMore || page.changes.isEmpty { break }
        }
        return report
    }

    /// The server's clock minus this machine's, taking the answer as given halfway
    /// through the request.
    static func offset(server: Int64, sentAt: UInt64, receivedAt: UInt64) -> Int64 {
        let local = Int64(clamping: sentAt / 2 + receivedAt / 2)
        let offset = server - local
        // Within a second is noise of the measurement: leave the clock alone.
        return abs(offset) < 1000 ? 0 : offset
    }

    /// Asks the server for this node's session and settles who this copy is: a
    /// copied or restored database becomes a new node; a restored server gets
    /// every local record again.
    func checkIdentity(report: inout SyncReport) async throws -> Session {
        var state = try library.syncState()
        let start = library.localWallMillis()
        var session = try await transport.session(node: state.node)
        guard session.minimumProtocol <= Int64(WireProtocol.version) else {
            throw SyncError.server(status: 426, error: WireErrorBody(.upgradeRequired, "the server needs protocol \(session.minimumProtocol); upgrade reader"))
        }
        try library.setClockOffset(Self.offset(server: session.serverTimeMillis, sentAt: start, receivedAt: library.localWallMillis()))
        let onDisk = (try? String(contentsOfFile: instanceFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let known = state.instanceID, known != onDisk {
            // The database's id is not the one beside it: this file was copied or restored.
            try becomeNewNode(report: &report)
        } else if state.instanceID == nil {
            let id = UUID().uuidString.lowercased()
            try writeInstanceFile(id)
            try library.setInstanceID(id)
        } else if session.lastNseq > state.lastNseq {
            // The server acknowledged batches this database never numbered: it is an older copy.
            try becomeNewNode(report: &report)
        }
        state = try library.syncState()
        if state.node != (try library.nodeID) || report.becameNewNode {
            session = try await transport.session(node: state.node)
        }
        if let epoch = state.epoch, epoch != session.epoch || session.lastNseq < state.ackedNseq {
            // The server was restored or reset: it may have lost anything.
            try library.resyncWithRestoredServer(epoch: session.epoch, serverLastNseq: session.lastNseq)
            report.serverRestored = true
        } else if state.epoch == nil {
            try library.setEpoch(session.epoch)
        }
        return session
    }

    func becomeNewNode(report: inout SyncReport) throws {
        let id = UUID().uuidString.lowercased()
        try library.becomeNewNode(instanceID: id)
        try writeInstanceFile(id)
        report.becameNewNode = true
    }

    func writeInstanceFile(_ id: String) throws {
        do {
            try (id + "\n").write(toFile: instanceFile, atomically: true, encoding: .utf8)
        } catch {
            throw SyncError.notConfigured("cannot write \(instanceFile): \(error.localizedDescription)")
        }
    }

    /// Sends batches until the outbox is empty.
    func pushAll(session: inout Session, report: inout SyncReport) async throws {
        try library.spaceCheckpoints(everyPages: Self.checkpointPagesWhilePushing)
        defer { try? library.spaceCheckpoints(everyPages: nil) }
        var refusals = 0
        var setAside = 0
        var ahead: BatchAhead?
        while true {
            guard let batch = try formBatch(limits: session.limits, ahead: ahead) else { return }
            ahead = nil
            let receipt: PushReceipt
            let next: BatchAhead?
            do {
                // While the server applies this batch, form the next one (stored only
                // after this one's receipt, if the outbox has not moved meanwhile).
                async let answer = transport.push(body: batch.body, idempotencyKey: batch.key)
                next = try? formBatch(after: batch, limits: session.limits)
                receipt = try await answer
            } catch SyncError.server(_, let error) where error.code == .invalidBody && setAside < 1000 {
                // One change breaks a rule of this server (`changes[3].hlc: …`): set it
                // aside and send the rest, so that one bad change never stops sync.
                guard let index = Self.refusedChangeIndex(error.message),
                      try library.setAside(changeAt: index, of: batch, reason: "refused by the server: " + error.message)
                else { throw SyncError.server(status: 422, error: error) }
                setAside += 1
                continue
            } catch SyncError.server(let status, let error) where refusals < 3 {
                refusals += 1
                switch error.code {
                case .clockSkew:
                    if let server = error.serverTimeMillis {
                        try library.setClockOffset(server - Int64(clamping: library.localWallMillis()))
                    }
                    report.restamped += try library.restampAfterClockSkew(correctedNow: try library.correctedWallMillis())
                    continue
                case .nodeRewound:
                    try becomeNewNode(report: &report)
                    session = try await transport.session(node: try library.nodeID)
                    continue
                case .nseqGap:
                    try library.resyncWithRestoredServer(epoch: session.epoch, serverLastNseq: error.lastNseq ?? 0)
                    report.serverRestored = true
                    continue
                default:
                    throw SyncError.server(status: status, error: error)
                }
            }
            let (sent, ack) = try acknowledge(batch, receipt: receipt)
            ahead = next
            report.sent += sent
            report.batches += 1
            report.applied += ack.applied
            report.superseded += ack.superseded
            report.rebased += ack.rebased
            report.rejected += ack.rejected
            report.merged += ack.merged
            report.conflictCopies += ack.conflictCopies
            progress?(SyncProgress(phase: "push", done: report.sent))
        }
    }

    /// Pages of the library's write-ahead log between checkpoints while a push runs
    /// (8 KiB pages: 128 MiB; SQLite's default is 1,000).
    static let checkpointPagesWhilePushing = 16_384

    /// The index of the change a server's `invalid_body` message names
    /// (`changes[3].hlc: …`), if it names one.
    static func refusedChangeIndex(_ message: String) -> Int? {
        guard message.hasPrefix("changes["), let close = message.firstIndex(of: "]") else { return nil }
        return Int(message[message.index(message.startIndex, offsetBy: 8)..<close])
    }

    /// Forms the next batch from the outbox within the server's limits and stores
    /// it before anything is sent (nil when nothing waits), or gives the batch in flight.
    package func formBatch(limits: WireLimits, ahead: BatchAhead? = nil) throws -> OutgoingBatch? {
        try library.formBatch(maxChanges: limits.maxPushChanges, maxBytes: limits.maxPushBytes * 7 / 8, ahead: ahead)
    }

    /// Forms the batch after `batch` within the server's limits, without storing it.
    func formBatch(after batch: OutgoingBatch, limits: WireLimits) throws -> BatchAhead? {
        try library.formBatch(after: batch, maxChanges: limits.maxPushChanges, maxBytes: limits.maxPushBytes * 7 / 8)
    }

    /// Takes the server's receipt for a stored batch: each change's outcome, matched
    /// by `nseq` to the change as sent, goes to the library in one transaction.
    /// Returns how many changes the batch held and what acknowledging did. A receipt
    /// for a batch no longer in flight changes nothing.
    package func acknowledge(_ batch: OutgoingBatch, receipt: PushReceipt) throws -> (sent: Int, report: AcknowledgeReport) {
        try library.acknowledge(batch, receipt: receipt, device: device)
    }

    /// Pulls pages from the cursor until the server has nothing more.
    ///
    /// Pages come in groups: while one group is applied (whole pages and the last
    /// page's cursor, in one transaction), the next is fetched. On a first sync the
    /// server, the network and the decoding then cost almost no time next to
    /// storing, and fewer, larger transactions keep the search index's segments few.
    func pullAll(report: inout SyncReport) async throws {
        let transport = self.transport
        let limit = WireLimits.v1.maxPullLimit
        let state = try library.syncState()
        let start = state.cursor
        // What this node pushed is not sent back: it holds it (a copy or restore that
        // lost some becomes a new node first, in `checkIdentity`).
        let node = state.node
        // Only a library being filled leaves its search index to be built once at
        // the end: one that already holds papers (a first push, then this pull)
        // would rebuild the whole index for what the pull added.
        let deferringSearchIndex = try start == 0 && library.holdsNoPapers()
        // That index is built on a second thread as the pages are stored, and
        // put in place at the end (4.5 s of 11.5 s for 100,000 papers otherwise).
        let builder = deferringSearchIndex ? try library.buildingSearchIndexAlongside() : nil
        var finished = false
        defer { if !finished { builder?.discard() } }
        // The first group is one page, so that applying starts at once.
        var next = Task { try await Self.fetchGroup(transport, after: start, limit: limit, pages: 1, notPushedBy: node) }
        while true {
            let group = try await next.value
            guard let last = group.pages.last else { return }
            let more = last.hasMore && !last.changes.isEmpty
            if more {
                next = Task { try await Self.fetchGroup(transport, after: last.cursor, limit: limit, pages: Self.pagesPerTransaction, notPushedBy: node) }
            }
            let applied: PullReport
            do {
                applied = try library.applyPulled(group.records, cursor: last.cursor, epoch: last.epoch, deferringSearchIndex: deferringSearchIndex)
            } catch {
                if more { next.cancel() }
                throw error
            }
            report.received += applied.received
            report.pages += group.pages.count
            report.created += applied.created
            report.updated += applied.updated
            report.purged += applied.purged
            progress?(SyncProgress(phase: "pull", done: report.received, headSeq: nil, cursor: last.cursor))
            builder?.catchUp()
            if !more {
                finished = true
                try library.finishSearchIndex(builtBy: builder)
                return
            }
        }
    }

    /// Pages applied together in one transaction, at most.
    static let pagesPerTransaction = 4

    /// Consecutive pages, and their changes grouped by record for storing.
    struct PageGroup: Sendable {
        var pages: [ChangesPage]
        var records: PulledRecords
    }

    /// Up to `pages` consecutive pages from `cursor`, stopping after the last one,
    /// with their changes grouped by record (work done here, off the writing thread).
    static func fetchGroup(_ transport: any SyncTransport, after cursor: Int64, limit: Int, pages: Int, notPushedBy node: NodeID) async throws -> PageGroup {
        var group: [ChangesPage] = []
        var cursor = cursor
        for _ in 0..<pages {
            let page = try await transport.changes(after: cursor, limit: limit, notPushedBy: node)
            group.append(page)
            cursor = page.cursor
            if !page.hasMore || page.changes.isEmpty { break }
        }
        let records = PulledRecords(group.lazy.flatMap(\.changes))
        return PageGroup(pages: group, records: records)
    }
}
