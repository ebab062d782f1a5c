import Foundation
import Model
import Storage
import Sync
import SyncServer
import SyncWire
import Testing

/// Replicas syncing through the real engine and the real server logic.
@Suite("Convergence")
struct ConvergenceTests {
    static func setUp(_ names: [String]) async throws -> (TestServer, [Replica]) {
        let server = try TestServer()
        _ = try await server.makeLibrary("lab")
        var replicas: [Replica] = []
        for name in names {
            replicas.append(try Replica(name, server: server, token: try await server.token(for: "lab", device: name)))
        }
        return (server, replicas)
    }

    static func paper(_ title: String, in replica: Replica) throws -> UUID {
        try replica.library.add(PaperDraft(title: title, authors: ["Ada Lovelace"])).paperID
    }

    @Test func offlineEditsOnTwoMachinesConvergeWithoutLosingText() async throws {
        let (server, replicas) = try await Self.setUp(["a", "b"])
        let (a, b) = (replicas[0], replicas[1])
        let first = try Self.paper("Attention Is All You Need", in: a)
        let second = try Self.paper("Mamba", in: a)
        let shared = try a.library.addNote(to: first, body: "one\ntwo\nthree")
        try await a.sync()
        try await b.sync()
        #expect(try b.dump() == a.dump())

        server.clock.advance(1000)
        try a.library.markRead(first)
        _ = try a.library.tag(first, adding: [try TagName("from-a")])
        _ = try b.library.tag(first, adding: [try TagName("from-b")])
        let bNote = try b.library.addNote(to: first, body: "B's own thoughts")
        try a.library.editNote(shared.id, body: "one\ntwo by A\nthree")
        try b.library.editNote(shared.id, body: "one\ntwo by B\nthree")
        try a.library.trash([second])
        try b.library.setStatus(.reading, of: second)

        try await a.sync()
        let fromB = try await b.sync()
        try await a.sync()
        #expect(try a.dump() == b.dump())
        #expect(try await server.dump("lab") == a.dump())
        #expect(fromB.conflictCopies.count == 1)

        let detail = try #require(try a.library.detail(first))
        #expect(Set(detail.tags.map(\.description)) == ["from-a", "from-b"])
        #expect(detail.paper.status == .read)
        let notes = try a.library.notes(of: first)
        #expect(notes.contains { $0.id == bNote.id })
        #expect(notes.first { $0.id == shared.id }?.body == "one\ntwo by A\nthree")
        let copy = try #require(notes.first { $0.conflictOf == shared.id })
        #expect(copy.body == "one\ntwo by B\nthree")
        #expect(copy.title?.contains("b") == true)
        let trashed = try #require(try a.library.paper(second))
        #expect(trashed.isTrashed && trashed.status == .reading)
    }

    @Test func aSyncNeverReceivesWhatThisMachinePushedItself() async throws {
        let (server, replicas) = try await Self.setUp(["a", "b"])
        let (a, b) = (replicas[0], replicas[1])
        for index in 0..<40 { _ = try Self.paper("Paper \(index)", in: a) }
        let first = try await a.sync()
        #expect(first.sent >= 200)
        #expect(first.received == 0 && first.pages == 1)
        #expect(try a.library.syncState().cursor == (try await server.head("lab")))
        // The other machine gets all of it; then each gets only the other's edits.
        let bootstrap = try await b.sync()
        #expect(bootstrap.received == first.sent)
        #expect(try b.dump() == a.dump())
        let paper = try Self.paper("Only on B", in: b)
        server.clock.advance(1000)
        let fromB = try await b.sync()
        #expect(fromB.received == 0)
        let atA = try await a.sync()
        #expect(atA.received == fromB.sent && atA.created == 1)
        try a.library.markRead(paper)
        let again = try await a.sync()
        #expect(again.received == 0 && again.sent > 0)
        #expect(try await b.sync().received == again.sent)
        #expect(try b.dump() == a.dump())
        #expect(try a.library.syncState().cursor == (try await server.head("lab")))
        #expect(try b.library.syncState().cursor == (try await server.head("lab")))
    }

    @Test func editsOfDifferentLinesMergeWithoutAConflictCopy() async throws {
        let (_, replicas) = try await Self.setUp(["a", "b"])
        let (a, b) = (replicas[0], replicas[1])
        let paper = try Self.paper("A paper", in: a)
        let note = try a.library.addNote(to: paper, body: "first\nsecond\nthird\nfourth")
        try await a.sync()
        try await b.sync()
        try a.library.editNote(note.id, body: "FIRST\nsecond\nthird\nfourth")
        try b.library.editNote(note.id, body: "first\nsecond\nthird\nFOURTH")
        try await a.sync()
        let report = try await b.sync()
        try await a.sync()
        #expect(report.merged == 1 && report.conflictCopies.isEmpty)
        #expect(try a.library.note(note.id.lowercased).body == "FIRST\nsecond\nthird\nFOURTH")
        #expect(try a.dump() == b.dump())
    }

    /// Every line a replica adds to a note survives concurrent edits: in the note,
    /// or in a conflict copy. `SYNC_TEXT_CASES=N` runs more cases (default 60).
    @Test func everyTypedLineSurvivesConcurrentEdits() async throws {
        let cases = ProcessInfo.processInfo.environment["SYNC_TEXT_CASES"].flatMap(Int.init) ?? 60
        for seed in (0..<UInt64(cases)).map({ 0x7E_0000 + $0 }) {
            var random = SplitMix64(seed: seed)
            let (_, replicas) = try await Self.setUp(["a", "b", "c"])
            let paper = try Self.paper("Notes", in: replicas[0])
            let base = (0..<(2 + Int(random.next() % 6))).map { "base line \($0)" }
            let note = try replicas[0].library.addNote(to: paper, body: base.joined(separator: "\n"))
            for replica in replicas { try await replica.sync() }
            var typed: [String] = []
            for (index, replica) in replicas.enumerated() {
                var lines = try replica.library.note(note.id.lowercased).body.components(separatedBy: "\n")
                for edit in 0..<(1 + Int(random.next() % 3)) {
                    let line = "replica \(index) edit \(edit) seed \(seed)"
                    typed.append(line)
                    let at = Int(random.next() % UInt64(lines.count + 1))
                    if random.next() % 3 == 0, at < lines.count, lines[at].hasPrefix("base line") { lines[at] = line } else { lines.insert(line, at: at) }
                }
                try replica.library.editNote(note.id, body: lines.joined(separator: "\n"))
            }
            for _ in 0..<2 { for replica in replicas { try await replica.sync() } }
            let dumps = try replicas.map { try $0.dump() }
            #expect(Set(dumps).count == 1, "seed \(seed): replicas did not converge")
            let bodies = try replicas[0].library.notes().map(\.body).joined(separator: "\n")
            for line in typed {
                #expect(bodies.contains(line), "seed \(seed): the typed line '\(line)' is in no note")
            }
        }
    }

    @Test func aPurgedPaperLeavesItsNotesAsOrphansEverywhere() async throws {
        let (server, replicas) = try await Self.setUp(["a", "b"])
        let (a, b) = (replicas[0], replicas[1])
        let paper = try Self.paper("To be purged", in: a)
        let note = try a.library.addNote(to: paper, body: "keep me")
        try await a.sync()
        try await b.sync()
        server.clock.advance(10)
        try a.library.purge([paper])
        try b.library.setStatus(.reading, of: paper)
        try await b.sync()
        try await a.sync()
        try await b.sync()
        #expect(try a.dump() == b.dump())
        #expect(try b.library.paper(paper) == nil)
        #expect(try b.library.isPurged(.paper, id: paper.lowercased))
        #expect(try b.library.orphanNotes().map(\.id) == [note.id])
        #expect(throws: StorageError.self) { try b.library.setStatus(.read, of: paper) }
    }

    @Test func fieldsOfNewerVersionsAreKeptAndForwarded() async throws {
        let (server, replicas) = try await Self.setUp(["a", "b"])
        let (a, b) = (replicas[0], replicas[1])
        let paper = try Self.paper("Known", in: a)
        try await a.sync()
        // A newer client writes a field and an entity this version does not know.
        let library = try await server.library("lab")
        let hlc = HLC(millis: UInt64(server.clock.millis), counter: 9, node: NodeID(rawValue: 0xFEED))
        let body = PushRequest(node: NodeID(rawValue: 0xFEED), changes: [
            PushedChange(nseq: 1, entity: "paper", id: paper.lowercased, field: "reading_minutes", value: .int(42), hlc: hlc),
            PushedChange(nseq: 2, entity: "collection", id: "00000000-0000-7000-8000-00000000c011", field: "name", value: .string("thesis"), hlc: hlc),
        ]).jsonText
        _ = try await server.service.push(library: library, idempotencyKey: "newer", body: Array(body.utf8))
        try await a.sync()
        try await b.sync()
        #expect(try a.dump().contains("reading_minutes"))
        #expect(try a.dump().contains("\"collection\""))
        #expect(try await server.dump("lab") == a.dump())
        #expect(try b.dump() == a.dump())
    }
}
