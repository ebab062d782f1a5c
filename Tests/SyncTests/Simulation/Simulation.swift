import Foundation
import Model
import Sync
import SyncWire
import Testing
@testable import Storage
@testable import SyncServer

/// One seeded run of the deterministic simulation: a server and five replicas
/// driven by a random schedule of operations and of sync steps split into their
/// parts, over a network that loses, duplicates, delays and reorders messages,
/// with skewed clocks that jump backwards and one replica offline for a month.
final class Simulation: @unchecked Sendable {
    let seed: UInt64
    var random: SplitMix64
    let server: TestServer
    var replicas: [SimReplica] = []
    /// Every local write the operations made, as the outbox showed it after each.
    var writes: [FieldKey: Stamped] = [:]
    /// Every line typed into a note or highlight comment.
    var typedLines: [String] = []
    /// The server's head seq after every push it answered.
    var heads: [Int64] = [0]
    var counts: [String: Int] = [:]
    var serverLibrary: ServerLibrary?
    /// Every file whose upload the server acknowledged to a replica.
    var acknowledgedUploads: Set<FileHash> = []
    /// Set for the final heal, when no answer is lost any more.
    var healing = false
    static let titles = (0..<30).map { "Paper \($0) on sparse attention" }
    static let tags = ["ml", "pde", "to-read", "thesis", "later"]

    struct FieldKey: Hashable { var entity: String, id: String, field: String }

    /// A message on its way back to a replica.
    enum Message {
        case receipt(key: String, PushReceipt)
        case refusal(WireErrorBody)
        case page(askedFrom: Int64, ChangesPage)
    }

    /// Where a crash is injected, when the run tests one (see `CrashPointTests`).
    enum Crash: String, CaseIterable, Sendable {
        case afterLocalWriteBeforeOutbox, afterFormingBatch, afterSendBeforeAck, midPageApply, afterApplyBeforeCursor
        case serverInsidePushTransaction, serverAfterCommitBeforeResponse
    }

    struct SimulatedCrash: Error {}

    var crash: Crash?
    /// Replicas replaced by a restart, kept so that their folders stay.
    var crashed: [Replica] = []

    final class SimReplica {
        var replica: Replica
        let index: Int
        var inbox: [Message] = []
        var skew: Int64
        var offline = false
        var opsLeft: Int
        /// The last outbox position already logged: a write moves its record to the end.
        var loggedThrough: Int64 = 0
        /// The papers the replica had when last listed (listed again every few operations).
        var papers: [UUID] = []
        var trashed: [UUID] = []
        var listedAt = Int.max
        init(replica: Replica, index: Int, skew: Int64, ops: Int) {
            self.replica = replica; self.index = index; self.skew = skew; opsLeft = ops
        }
        var library: Library { replica.library }
        var engine: SyncEngine { replica.engine }
    }

    init(seed: UInt64, opsPerReplica: Int = 300, replicaCount: Int = 5, crash: Crash? = nil, store: StoreKind = .sqlite) async throws {
        self.seed = seed
        self.crash = crash
        random = SplitMix64(seed: seed)
        server = try TestServer(store: store)
        _ = try await server.makeLibrary("lab")
        for index in 0..<replicaCount {
            let skew = Int64(random.next() % 240_001) - 120_000
            let clock = TestClock(server.clock.millis + skew)
            let replica = try Replica("r\(index)", server: server, token: try await server.token(for: "lab", device: "r\(index)"), clock: clock)
            replicas.append(SimReplica(replica: replica, index: index, skew: skew, ops: opsPerReplica))
        }
        for replica in replicas { arm(replica) }
    }

    /// Sets the replica's library to crash now and then at the chosen client point.
    func arm(_ replica: SimReplica) {
        let storagePoint: CrashPoints.Point? = switch crash {
        case .afterLocalWriteBeforeOutbox: .afterLocalWriteBeforeOutbox
        case .midPageApply: .midPageApply
        case .afterApplyBeforeCursor: .afterApplyBeforeCursor
        default: nil
        }
        guard let storagePoint else { return }
        let dice = CrashDice(seed: seed &+ UInt64(replica.index))
        replica.library.crashPoints.onPoint = { point in
            if point == storagePoint, dice.roll(percent: 25) { throw SimulatedCrash() }
        }
    }

    /// The replica's process dies: what SQLite made durable stays; the database is
    /// opened again, the messages it was waiting for are gone.
    func restart(_ replica: SimReplica) throws {
        count("crash")
        crashed.append(replica.replica)
        let old = replica.replica
        replica.replica = try Replica(old.name, server: server, token: old.transport.token, clock: old.clock, path: old.path)
        replica.inbox.removeAll()
        arm(replica)
    }

    /// The server's process dies and starts again on the same database.
    func restartServer() throws {
        count("server crash")
        try server.reopen()
        serverLibrary = nil
    }

    func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
    func pick<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[Int(random.next() % UInt64(items.count))] }

    /// Runs the schedule, then heals the network and syncs every replica until idle, twice.
    func run() async throws {
        let offlineReplica = replicas.count - 1
        var step = 0
        while let replica = pick(replicas.filter { $0.opsLeft > 0 }) {
            step += 1
            replica.opsLeft -= 1
            // Time moves on; each replica's clock is the server's plus its skew, which
            // now and then jumps backwards.
            server.clock.advance(Int64(1 + random.next() % 2000))
            if chance(3) { replica.skew -= Int64(random.next() % 60_000) ; replica.skew = max(replica.skew, -120_000) }
            replica.replica.clock.millis = server.clock.millis + replica.skew
            // One replica goes offline for a month in the middle of the run.
            if replica.index == offlineReplica, replica.opsLeft == 200 { replica.offline = true; count("offline") }
            if replica.index == offlineReplica, replica.opsLeft == 100, replica.offline {
                server.clock.advance(30 * 24 * 3_600_000)
                replica.offline = false
            }
            try await operate(replica)
        }
        // Heal: no more crashes; deliver nothing more that is in flight, then sync every replica twice.
        crash = nil
        healing = true
        server.service.crashInsidePush.disarm()
        for replica in replicas {
            replica.library.crashPoints.onPoint = nil
            replica.inbox.removeAll()
            replica.offline = false
            replica.replica.clock.millis = server.clock.millis + replica.skew
        }
        for _ in 0..<2 {
            for replica in replicas {
                server.clock.advance(10)
                replica.replica.clock.millis = server.clock.millis + replica.skew
                try await replica.replica.sync()
                try await syncFiles(replica)
            }
        }
    }

    func count(_ name: String) { counts[name, default: 0] += 1 }

    func operate(_ replica: SimReplica) async throws {
        defer { unsaved.removeAll() }
        do {
            try await tryOperation(replica)
            typedLines += unsaved
        } catch is SimulatedCrash {
            try restart(replica)
        } catch is StorageError {
            // Refused with nothing written (adding again a paper purged elsewhere, say).
            count("refused")
        }
    }

    func tryOperation(_ replica: SimReplica) async throws {
        let library = replica.library
        let roll = random.next() % 100
        switch roll {
        case 0..<10: try createPaper(replica)
        case 10..<17: try withPaper(replica) { try library.update($0, ["venue": .string("venue \(self.random.next() % 7)"), "year": .int(Int64(2000 + self.random.next() % 25))]) }
        case 17..<24: try withPaper(replica) { try library.setStatus([.inbox, .queued, .reading, .read, .dropped][Int(self.random.next() % 5)], of: $0) }
        case 24..<31:
            try withPaper(replica) {
                let tag = try TagName(Self.tags[Int(self.random.next() % 5)])
                _ = self.chance(60) ? try library.tag($0, adding: [tag]) : try library.tag($0, removing: [tag])
            }
        case 31..<35: try withPaper(replica, includingTrash: true) { self.chance(60) ? try library.trash([$0]) : try library.restore([$0]) }
        case 35..<36: try withPaper(replica, includingTrash: true) { try library.purge([$0]); self.count("purge") }
        case 36..<43:
            try withPaper(replica) {
                _ = try library.addNote(to: $0, body: (0..<(1 + Int(self.random.next() % 3))).map { _ in self.typed(replica) }.joined(separator: "\n"))
            }
        case 43..<53: try editNote(replica)
        case 53..<56:
            try withPaper(replica) { _ = try library.addHighlight(to: $0, text: "quoted", comment: self.typed(replica)) }
        case 56..<59: try attachFile(replica)
        case 59..<60:
            try withPaper(replica) {
                guard let attachment = self.pick(try library.attachments(of: $0)) else { return }
                try library.detach(attachment)
                self.count("detach")
            }
        default:
            try await syncStep(replica)
            return
        }
        try logWrites(replica)
    }

    /// A new line for a note; it counts as typed once the write that holds it is saved.
    func typed(_ replica: SimReplica) -> String {
        let line = "typed by r\(replica.index) #\(typedLines.count + unsaved.count) seed \(seed)"
        unsaved.append(line)
        return line
    }

    /// Lines of the operation in progress.
    var unsaved: [String] = []

    /// Attaches one of a few small files to a paper (the same bytes often reach
    /// several papers and replicas), queued so that every replica's policy wants it.
    func attachFile(_ replica: SimReplica) throws {
        let content = random.next() % 8
        let source = replica.replica.folder.url.appendingPathComponent("file-\(content).bin")
        try Data(String(repeating: "file \(content) of the simulation\n", count: 50 + Int(content) * 40).utf8).write(to: source)
        try withPaper(replica) {
            let stored = try replica.library.files.store(copying: source)
            try replica.library.attach(stored, to: $0, name: "file-\(content).bin", sourceURL: nil, origin: .attached)
            try replica.library.setStatus(.queued, of: $0)
            self.count("attach")
        }
    }

    func createPaper(_ replica: SimReplica) throws {
        guard let title = pick(Self.titles) else { return }
        _ = try replica.library.add(PaperDraft(title: title, authors: ["Ada Lovelace"]))
        count("create")
    }

    /// Runs `body` on a random paper the replica has; a paper purged meanwhile is an expected refusal.
    func withPaper(_ replica: SimReplica, includingTrash: Bool = false, _ body: (UUID) throws -> Void) throws {
        if replica.opsLeft <= replica.listedAt - 8 || replica.papers.isEmpty {
            replica.papers = try replica.library.list(limit: 1000).map(\.paper.id)
            replica.trashed = try replica.library.list(SearchQuery("in:trash"), limit: 1000).map(\.paper.id)
            replica.listedAt = replica.opsLeft
        }
        guard let paper = pick(replica.papers + (includingTrash ? replica.trashed : [])) else { return try createPaper(replica) }
        try body(paper)
    }

    func editNote(_ replica: SimReplica) throws {
        guard let note = pick(try replica.library.notes()) else { return }
        var lines = note.body.components(separatedBy: "\n")
        let at = Int(random.next() % UInt64(lines.count + 1))
        switch random.next() % 3 {
        case 0: lines.insert(typed(replica), at: at)
        case 1 where at < lines.count: lines[at] = typed(replica)
        default: if lines.count > 1, at < lines.count { lines.remove(at: at) } else { lines.append(typed(replica)) }
        }
        try replica.library.editNote(note.id, body: lines.joined(separator: "\n"))
        count("note edit")
    }

    /// Logs the fields this replica's operation wrote, as its outbox shows them.
    func logWrites(_ replica: SimReplica) throws {
        let node = try replica.library.nodeID
        for (seq, change) in try replica.library.pendingChanges(after: replica.loggedThrough, limit: 100_000) {
            replica.loggedThrough = max(replica.loggedThrough, seq)
            guard change.hlc.node == node else { continue }
            let key = FieldKey(entity: change.entity.rawValue, id: change.id, field: change.field)
            if let known = writes[key], known.hlc >= change.hlc { continue }
            writes[key] = Stamped(change.value, at: change.hlc)
        }
    }

    // MARK: - Sync steps and the network

    func syncStep(_ replica: SimReplica) async throws {
        guard !replica.offline else { return }
        if serverLibrary == nil { serverLibrary = try await server.library("lab") }
        guard let library = serverLibrary else { return }
        switch random.next() % 5 {
        case 4:
            try await syncFiles(replica)
        case 0:
            _ = try replica.engine.formBatch(limits: .v1)
            count("form batch")
            if crash == .afterFormingBatch, chance(30) { try restart(replica) }
        case 1:
            guard let batch = try replica.library.batchInFlight() else { return }
            count("send")
            if chance(5) { count("request lost"); return }
            let message: Message
            if crash == .serverInsidePushTransaction, chance(30) { server.service.crashInsidePush.arm() }
            do {
                let answer = try await server.service.push(library: library, idempotencyKey: batch.key, body: Array(batch.body.utf8))
                message = .receipt(key: batch.key, try PushReceipt(bytes: Array(answer.body.utf8)))
            } catch let error as WireErrorBody {
                message = .refusal(error)
            } catch is ServerCrash {
                heads.append(try await server.head("lab"))
                return try restartServer()
            }
            server.service.crashInsidePush.disarm()
            heads.append(try await server.head("lab"))
            if crash == .serverAfterCommitBeforeResponse, chance(30) { return try restartServer() }
            if crash == .afterSendBeforeAck, chance(30) { return try restart(replica) }
            deliver(message, to: replica)
        case 2:
            let cursor = try replica.library.syncState().cursor
            count("pull")
            if chance(5) { count("request lost"); return }
            let limit = 1 + random.next() % 40
            let page = try await server.service.changes(library: library, cursor: String(cursor), limit: String(limit))
            deliver(.page(askedFrom: cursor, try ChangesPage(bytes: page.jsonBytes)), to: replica)
        default:
            try receive(replica)
        }
    }

    /// The files part of a sync, whole; an upload's answer is sometimes lost (never
    /// in the heal).
    func syncFiles(_ replica: SimReplica) async throws {
        count("file sync")
        replica.replica.transport.offline = replica.offline
        defer { replica.replica.transport.offline = false }
        replica.replica.transport.dropNextUploadResponse = !healing && chance(10)
        let report = try await replica.replica.files.run()
        acknowledgedUploads.formUnion(report.uploaded.map(\.hash))
        counts["files up", default: 0] += report.uploaded.count
        counts["files down", default: 0] += report.downloaded.count
        if report.interrupted != nil { count("file sync cut") }
        #expect(report.failed.isEmpty, "seed \(seed): \(report.failed)")
    }

    /// Puts an answer in the replica's inbox, unless it is lost; sometimes twice.
    func deliver(_ message: Message, to replica: SimReplica) {
        if chance(10) { count("answer lost"); return }
        replica.inbox.append(message)
        if chance(5) { replica.inbox.append(message); count("answer duplicated") }
    }

    /// Takes one answer from the inbox, in any order (a delayed one may come after newer ones).
    func receive(_ replica: SimReplica) throws {
        guard !replica.inbox.isEmpty else { return }
        let message = replica.inbox.remove(at: Int(random.next() % UInt64(replica.inbox.count)))
        switch message {
        case .receipt(let key, let receipt):
            guard let batch = try replica.library.batchInFlight(), batch.key == key else { count("stale receipt"); return }
            let (_, report) = try replica.engine.acknowledge(OutgoingBatch(reading: batch), receipt: receipt)
            counts["conflict copies", default: 0] += report.conflictCopies.count
            counts["merged", default: 0] += report.merged
            count("ack")
        case .refusal(let error):
            Issue.record("seed \(seed): the server refused a push: \(error)")
        case .page(let askedFrom, let page):
            // The engine applies a page only from the cursor it asked from.
            guard try replica.library.syncState().cursor == askedFrom else { count("stale page"); return }
            try replica.library.applyPulled(page.changes, cursor: page.cursor, epoch: page.epoch)
            count("page")
        }
    }

    // MARK: - Checks

    /// Every promise the simulation checks; each failure names the seed.
    func check() async throws {
        let label = "seed \(seed) (SIM_SEED=\(seed))"
        let dumps = try replicas.map { try $0.replica.dump() }
        let serverDump = try await server.dump("lab")
        for (index, dump) in dumps.enumerated() where dump != serverDump {
            // Keep both dumps for a diff.
            let folder = FileManager.default.temporaryDirectory.path
            try? serverDump.write(toFile: "\(folder)/sim-\(seed)-server.json", atomically: true, encoding: .utf8)
            try? dump.write(toFile: "\(folder)/sim-\(seed)-replica-\(index).json", atomically: true, encoding: .utf8)
            Issue.record("\(label): replica \(index) differs from the server (diff \(folder)/sim-\(seed)-server.json \(folder)/sim-\(seed)-replica-\(index).json)")
        }
        // The reference: for every field an operation wrote, the latest clock's value,
        // unless the record was purged.
        var state: [String: [String: Stamped]] = [:]
        let reader = replicas[0].library
        try reader.forEachCanonicalRecord { entity, id, fields in state[entity + "/" + id] = fields }
        var mismatches: [String] = []
        for (key, write) in writes where key.field != Entity.purgedField {
            guard let entity = Entity(rawValue: key.entity), !entity.isMergedText(key.field) else { continue }
            let record = state[key.entity + "/" + key.id]
            if record?[Entity.purgedField] != nil { continue }
            // The final clock is the latest written anywhere: ours, or a later one.
            guard let final = record?[key.field] else { mismatches.append("\(key) missing"); continue }
            if final.hlc < write.hlc { mismatches.append("\(key): kept \(final.hlc), an acknowledged write had \(write.hlc)") }
            if final.hlc == write.hlc, final.value != write.value { mismatches.append("\(key): same clock, another value") }
        }
        for (key, write) in writes where key.field == Entity.purgedField {
            if state[key.entity + "/" + key.id]?[Entity.purgedField] == nil { mismatches.append("\(key) purged at \(write.hlc) but not purged") }
        }
        #expect(mismatches.isEmpty, "\(label): \(mismatches.prefix(5))")
        // Every typed line is in a note, a highlight comment, or a history.
        var texts = ""
        for fields in state.values {
            for name in ["body", "comment"] { if let text = fields[name]?.value.stringValue { texts += text + "\n" } }
        }
        for replica in replicas { texts += try replica.library.replacedTexts().joined(separator: "\n") + "\n" }
        let missing = typedLines.filter { !texts.contains($0) }
        #expect(missing.isEmpty, "\(label): \(missing.count) typed lines lost, e.g. \(missing.prefix(3))")
        // Every file a replica's upload of was acknowledged is on the server, whole;
        // and after the heal no file waits to go up or down anywhere.
        let library = try await server.library("lab")
        for hash in acknowledgedUploads {
            guard let blob = try await server.blobs.blob(hash, in: library) else {
                Issue.record("\(label): the acknowledged upload \(hash.short) is not on the server"); continue
            }
            #expect(FileHash(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: blob.path)))) == hash, "\(label): blob \(hash.short) is damaged")
        }
        for replica in replicas {
            let up = try replica.library.filesToUpload(), down = try replica.library.filesToDownload()
            #expect(up.isEmpty && down.isEmpty, "\(label): r\(replica.index) still has files to send \(up.map(\.hash.short)) and to get \(down.map(\.hash.short))")
            for hash in try replica.library.localFiles().keys {
                #expect(try replica.library.files.verify(hash), "\(label): r\(replica.index) holds a damaged \(hash.short)")
            }
        }
        // The server's seq only moves forward, one step per push that wrote.
        for (before, after) in zip(heads, heads.dropFirst()) {
            #expect(after == before || after == before + 1, "\(label): the server's seq went from \(before) to \(after)")
        }
    }
}

/// A seeded coin for crash decisions made inside the library's write path.
final class CrashDice: @unchecked Sendable {
    private let lock = NSLock()
    private var random: SplitMix64
    init(seed: UInt64) { random = SplitMix64(seed: seed ^ 0xC4A5) }
    func roll(percent: UInt64) -> Bool { lock.withLock { random.next() % 100 < percent } }
}
