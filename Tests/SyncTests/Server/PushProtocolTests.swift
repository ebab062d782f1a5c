import Foundation
import Model
import SyncServer
import SyncWire
import Testing

/// The server's side of the protocol, called in process: receipts, nseq,
/// compare-and-swap on text, clock skew, refusal of bad bodies, isolation, pages.
///
/// The conformance suite of ``SyncStore``: every test runs against every store
/// (``StoreKind``), which must give exactly the same answers.
@Suite("Store conformance: push and pull protocol")
struct PushProtocolTests {
    static let paper = "00000000-0000-5000-8000-000000000001"
    static let note = "00000000-0000-7000-8000-000000000002"

    static func hlc(_ millis: Int64, _ counter: UInt16 = 0, node: UInt64 = 0xA) -> HLC {
        HLC(millis: UInt64(millis), counter: counter, node: NodeID(rawValue: node))
    }

    static func body(node: UInt64 = 0xA, _ changes: [PushedChange]) -> [UInt8] {
        Array(PushRequest(node: NodeID(rawValue: node), changes: changes).jsonText.utf8)
    }

    static func setUp(_ store: StoreKind) async throws -> (TestServer, ServerLibrary) {
        let server = try TestServer(store: store)
        _ = try await server.makeLibrary("lab")
        return (server, try await server.library("lab"))
    }

    /// Expects the call to fail with this protocol error code.
    static func expectError(_ code: WireErrorCode, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await body()
            Issue.record("expected \(code.rawValue), got success", sourceLocation: sourceLocation)
        } catch let error as WireErrorBody {
            #expect(error.code == code, "expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: StoreKind.allCases) func aReplayedPushGetsTheIdenticalReceiptAndAppliesNothing(store: StoreKind) async throws {
        let (server, library) = try await Self.setUp(store)
        let now = server.clock.millis
        let body = Self.body([PushedChange(nseq: 1, entity: "paper", id: Self.paper, field: "title", value: .string("A"), hlc: Self.hlc(now))])
        let first = try await server.service.push(library: library, idempotencyKey: "key-1", body: body)
        let head = try await server.head("lab")
        server.clock.advance(5000)
        let again = try await server.service.push(library: library, idempotencyKey: "key-1", body: body)
        #expect(again.body == first.body)
        #expect(again.replayed && !first.replayed)
        #expect(try await server.head("lab") == head)
        // The same key with another body: the client's database was restored.
        let other = Self.body([PushedChange(nseq: 1, entity: "paper", id: Self.paper, field: "title", value: .string("B"), hlc: Self.hlc(now, 1))])
        await Self.expectError(.nodeRewound) { _ = try await server.service.push(library: library, idempotencyKey: "key-1", body: other) }
        // Reused numbers under a new key: also a rewound node.
        await Self.expectError(.nodeRewound) { _ = try await server.service.push(library: library, idempotencyKey: "key-2", body: other) }
        // A gap in the numbers.
        let gap = Self.body([PushedChange(nseq: 3, entity: "paper", id: Self.paper, field: "year", value: .int(2024), hlc: Self.hlc(now, 2))])
        await Self.expectError(.nseqGap) { _ = try await server.service.push(library: library, idempotencyKey: "key-3", body: gap) }
        #expect(try await server.dump("lab").contains("\"value\":\"A\""))
        #expect(try await server.head("lab") == head)
    }

    @Test(arguments: StoreKind.allCases) func theLastSixteenReceiptsOfANodeAreKeptAndOlderOnesDropped(store: StoreKind) async throws {
        let (server, library) = try await Self.setUp(store)
        let now = server.clock.millis
        var answers: [String] = []
        for nseq in Int64(1)...20 {
            let body = Self.body([PushedChange(nseq: nseq, entity: "paper", id: Self.paper, field: "year", value: .int(2000 + nseq),
                                               hlc: Self.hlc(now, UInt16(nseq)))])
            answers.append(try await server.service.push(library: library, idempotencyKey: "key-\(nseq)", body: body).body)
        }
        for nseq in Int64(5)...20 {
            let body = Self.body([PushedChange(nseq: nseq, entity: "paper", id: Self.paper, field: "year", value: .int(2000 + nseq),
                                               hlc: Self.hlc(now, UInt16(nseq)))])
            let again = try await server.service.push(library: library, idempotencyKey: "key-\(nseq)", body: body)
            #expect(again.replayed && again.body == answers[Int(nseq) - 1], "receipt \(nseq) was not kept")
        }
        let dropped = Self.body([PushedChange(nseq: 4, entity: "paper", id: Self.paper, field: "year", value: .int(2004), hlc: Self.hlc(now, 4))])
        await Self.expectError(.nodeRewound) { _ = try await server.service.push(library: library, idempotencyKey: "key-4", body: dropped) }
    }

    @Test(arguments: StoreKind.allCases) func exactlyOneOfFourConcurrentSameBaseTextEditsIsApplied(store: StoreKind) async throws {
        let (server, library) = try await Self.setUp(store)
        let now = server.clock.millis
        let create = Self.body([PushedChange(nseq: 1, entity: "note", id: Self.note, field: "body", value: .string("base"), hlc: Self.hlc(now), baseRev: 0)])
        _ = try await server.service.push(library: library, idempotencyKey: "create", body: create)
        let service = server.service
        let outcomes = try await withThrowingTaskGroup(of: PushOutcome.self) { group in
            for node in 1...4 {
                group.addTask {
                    let body = Self.body(node: UInt64(0x100 + node), [PushedChange(nseq: 1, entity: "note", id: Self.note, field: "body",
                                                                               value: .string("edit \(node)"), hlc: Self.hlc(now + 10, 0, node: UInt64(0x100 + node)), baseRev: 1)])
                    let answer = try await service.push(library: library, idempotencyKey: "edit-\(node)", body: body)
                    return try PushReceipt(bytes: Array(answer.body.utf8)).results[0].outcome
                }
            }
            var all: [PushOutcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.filter { $0 == .applied }.count == 1)
        #expect(outcomes.filter { $0 == .rebaseRequired }.count == 3)
        let history = try await server.store.textHistory(library: library, entity: "note", id: Self.note, field: "body")
        #expect(history.map(\.rev) == [1, 2])
    }

    @Test(arguments: StoreKind.allCases) func aTextEditFromAnOldRevisionGetsTheCurrentText(store: StoreKind) async throws {
        let (server, library) = try await Self.setUp(store)
        let now = server.clock.millis
        _ = try await server.service.push(library: library, idempotencyKey: "a", body: Self.body([
            PushedChange(nseq: 1, entity: "note", id: Self.note, field: "body", value: .string("one"), hlc: Self.hlc(now), baseRev: 0),
        ]))
        _ = try await server.service.push(library: library, idempotencyKey: "b", body: Self.body([
            PushedChange(nseq: 2, entity: "note", id: Self.note, field: "body", value: .string("two"), hlc: Self.hlc(now, 1), baseRev: 1),
        ]))
        let stale = try await server.service.push(library: library, idempotencyKey: "c", body: Self.body(node: 0xB, [
            PushedChange(nseq: 1, entity: "note", id: Self.note, field: "body", value: .string("three"), hlc: Self.hlc(now, 2, node: 0xB), baseRev: 1),
        ]))
        let result = try PushReceipt(bytes: Array(stale.body.utf8)).results[0]
        #expect(result.outcome == .rebaseRequired)
        #expect(result.rev == 2)
        #expect(result.value == .string("two"))
    }

    @Test(arguments: StoreKind.allCases) func clocksMoreThanFiveMinutesAheadAreRefusedWithNothingApplied(store: StoreKind) async throws {
        let (server, library) = try await Self.setUp(store)
        let now = server.clock.millis
        let ahead = Self.body([
            PushedChange(nseq: 1, entity: "paper", id: Self.paper, field: "title", value: .string("ok"), hlc: Self.hlc(now)),
            PushedChange(nseq: 2, entity: "paper", id: Self.paper, field: "year", value: .int(1), hlc: Self.hlc(now + 5 * 60_000 + 1)),
        ])
        do {
            _ = try await server.service.push(library: library, idempotencyKey: "skew", body: ahead)
            Issue.record("a clock 5 minutes and 1 ms ahead was accepted")
        } catch let error as WireErrorBody {
            #expect(error.code == .clockSkew)
            #expect(error.serverTimeMillis == now)
        }
        #expect(try await server.head("lab") == 0)
        let within = Self.body([PushedChange(nseq: 1, entity: "paper", id: Self.paper, field: "year", value: .int(1), hlc: Self.hlc(now + 4 * 60_000))])
        _ = try await server.service.push(library: library, idempotencyKey: "fine", body: within)
        #expect(try await server.head("lab") == 1)
    }

    @Test(arguments: StoreKind.allCases) func malformedAndOversizedBodiesAreRefusedWithNothingApplied(store: StoreKind) async throws {
        let (server, library) = try await Self.setUp(store)
        let now = server.clock.millis
        _ = try await server.service.push(library: library, idempotencyKey: "seed", body: Self.body([
            PushedChange(nseq: 1, entity: "paper", id: Self.paper, field: "title", value: .string("kept"), hlc: Self.hlc(now)),
        ]))
        let before = try await server.dump("lab")
        let hlc = Self.hlc(now + 1).description
        func change(_ fields: String) -> String { "{\"node_id\":\"000000000000000a\",\"changes\":[\(fields)]}" }
        let cases: [(String, [UInt8], WireErrorCode)] = [
            ("not JSON", Array("{\"node_id\":".utf8), .invalidBody),
            ("invalid UTF-8", [0x7B, 0xFF, 0xFE, 0x7D], .invalidBody),
            ("a float", Array(change("{\"nseq\":2,\"entity\":\"paper\",\"id\":\"\(Self.paper)\",\"field\":\"year\",\"value\":1.5,\"hlc\":\"\(hlc)\"}").utf8), .invalidBody),
            ("a string for an integer field", Array(change("{\"nseq\":2,\"entity\":\"paper\",\"id\":\"\(Self.paper)\",\"field\":\"year\",\"value\":\"x\",\"hlc\":\"\(hlc)\"}").utf8), .invalidBody),
            ("no hlc", Array(change("{\"nseq\":2,\"entity\":\"paper\",\"id\":\"\(Self.paper)\",\"field\":\"year\",\"value\":1}").utf8), .invalidBody),
            ("a bad id", Array(change("{\"nseq\":2,\"entity\":\"paper\",\"id\":\"../../etc\",\"field\":\"year\",\"value\":1,\"hlc\":\"\(hlc)\"}").utf8), .invalidBody),
            ("an upper-case entity", Array(change("{\"nseq\":2,\"entity\":\"Paper\",\"id\":\"\(Self.paper)\",\"field\":\"year\",\"value\":1,\"hlc\":\"\(hlc)\"}").utf8), .invalidBody),
            ("an undone purge", Array(change("{\"nseq\":2,\"entity\":\"paper\",\"id\":\"\(Self.paper)\",\"field\":\"purged\",\"value\":false,\"hlc\":\"\(hlc)\"}").utf8), .invalidBody),
            ("no changes", Array(change("").utf8), .invalidBody),
            ("nseq not contiguous", Array(change("{\"nseq\":2,\"entity\":\"paper\",\"id\":\"\(Self.paper)\",\"field\":\"year\",\"value\":1,\"hlc\":\"\(hlc)\"},{\"nseq\":4,\"entity\":\"paper\",\"id\":\"\(Self.paper)\",\"field\":\"venue\",\"value\":\"v\",\"hlc\":\"\(hlc)\"}").utf8), .invalidBody),
            ("5,001 changes", Self.body((2...5002).map { PushedChange(nseq: Int64($0), entity: "paper", id: Self.paper, field: "year", value: .int(Int64($0)), hlc: Self.hlc(now + Int64($0))) }), .payloadTooLarge),
            ("1 MiB and more", Self.body([PushedChange(nseq: 2, entity: "paper", id: Self.paper, field: "abstract", value: .string(String(repeating: "x", count: 1 << 20)), hlc: Self.hlc(now + 1))]), .payloadTooLarge),
        ]
        for (index, (name, body, code)) in cases.enumerated() {
            do {
                _ = try await server.service.push(library: library, idempotencyKey: "bad-\(index)", body: body)
                Issue.record("\(name): accepted")
            } catch let error as WireErrorBody {
                #expect(error.code == code, "\(name): \(error)")
            }
        }
        await Self.expectError(.badRequest) { _ = try await server.service.push(library: library, idempotencyKey: nil, body: Self.body([])) }
        await Self.expectError(.badRequest) { _ = try await server.service.changes(library: library, cursor: "-1", limit: nil) }
        await Self.expectError(.badRequest) { _ = try await server.service.changes(library: library, cursor: "0", limit: "5001") }
        await Self.expectError(.badRequest) { _ = try await server.service.changes(library: library, cursor: "99999999999999999999", limit: nil) }
        #expect(try await server.dump("lab") == before)
        #expect(try await server.head("lab") == 1)
    }

    @Test(arguments: StoreKind.allCases) func aTokenReachesItsOwnLibraryOnly(store: StoreKind) async throws {
        let server = try TestServer(store: store)
        let first = try await server.makeLibrary("first")
        let second = try await server.makeLibrary("second")
        let service = server.service
        let library = try await service.authenticate(authorization: "Bearer \(second)", library: "second")
        _ = try await service.push(library: library, idempotencyKey: "k", body: Self.body([
            PushedChange(nseq: 1, entity: "paper", id: Self.paper, field: "title", value: .string("secret"), hlc: Self.hlc(server.clock.millis)),
        ]))
        await Self.expectError(.notFound) { _ = try await service.authenticate(authorization: "Bearer \(first)", library: "second") }
        await Self.expectError(.notFound) { _ = try await service.authenticate(authorization: "Bearer \(first)", library: "nonexistent") }
        await Self.expectError(.unauthorized) { _ = try await service.authenticate(authorization: nil, library: "first") }
        await Self.expectError(.unauthorized) { _ = try await service.authenticate(authorization: "Bearer rdr_garbage", library: "first") }
        await Self.expectError(.unauthorized) { _ = try await service.authenticate(authorization: "Basic abc", library: "first") }
        let own = try await service.authenticate(authorization: "Bearer \(first)", library: "first")
        #expect(try await service.changes(library: own, cursor: "0", limit: nil).changes.isEmpty)
        #expect(!(try await server.dump("first")).contains("secret"))
        // A revoked token opens nothing.
        let tokens = try await server.store.tokens()
        let secondToken = try #require(tokens.first { $0.library == "second" })
        _ = try await server.store.revokeToken(id: secondToken.id, at: server.clock.millis)
        await Self.expectError(.unauthorized) { _ = try await service.authenticate(authorization: "Bearer \(second)", library: "second") }
    }

    @Test(arguments: StoreKind.allCases) func pagesGiveEveryLatestValueWhileOthersPush(store: StoreKind) async throws {
        let (server, library) = try await Self.setUp(store)
        let service = server.service
        let now = server.clock.millis
        let ids = (0..<20).map { String(format: "00000000-0000-5000-8000-%012d", $0) }
        // Writers: 6 nodes, each pushing 15 batches of up to 9 changes over 20 records.
        let writers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for node in 1...6 {
                    group.addTask {
                        var random = SplitMix64(seed: UInt64(node))
                        var nseq: Int64 = 0
                        for batch in 0..<15 {
                            let changes = (0..<(1 + Int(random.next() % 9))).map { i -> PushedChange in
                                nseq += 1
                                let isYear = i % 2 == 0
                                return PushedChange(nseq: nseq, entity: "paper", id: ids[Int(random.next() % 20)], field: isYear ? "year" : "venue",
                                                    value: isYear ? .int(Int64(batch)) : .string("n\(node) b\(batch)"),
                                                    hlc: Self.hlc(now + Int64(batch), UInt16(i), node: UInt64(node)))
                            }
                            _ = try await service.push(library: library, idempotencyKey: "n\(node)-\(batch)", body: Self.body(node: UInt64(node), changes))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        // A reader pulling small pages all the while, then to the end.
        var state: [String: PulledChange] = [:]
        var cursor: Int64 = 0
        var seenSeqs: Set<Int64> = []
        var writersDone = false
        while true {
            let page = try await service.changes(library: library, cursor: String(cursor), limit: "7")
            let seqs = Set(page.changes.map(\.seq))
            #expect(seenSeqs.isDisjoint(with: seqs), "a seq was split over two pages")
            seenSeqs.formUnion(seqs)
            #expect(page.changes.map(\.seq) == page.changes.map(\.seq).sorted())
            for change in page.changes { state[change.id + "/" + change.field] = change }
            #expect(page.cursor >= cursor)
            cursor = page.cursor
            if !page.hasMore {
                if writersDone { break }
                try await writers.value
                writersDone = true
            }
        }
        var expected: [String: PulledChange] = [:]
        for change in try await service.changes(library: library, cursor: "0", limit: "5000").changes { expected[change.id + "/" + change.field] = change }
        #expect(state.mapValues(\.value) == expected.mapValues(\.value))
        #expect(state.mapValues(\.hlc) == expected.mapValues(\.hlc))
        #expect(state.count == expected.count)

        // As node 1, from 0 in small pages: every latest value but node 1's own, and
        // the cursor at the head.
        var others: [String: PulledChange] = [:]
        cursor = 0
        while true {
            let page = try await service.changes(library: library, cursor: String(cursor), limit: "7", node: NodeID(rawValue: 1).description)
            #expect(!page.changes.isEmpty || !page.hasMore)
            for change in page.changes { others[change.id + "/" + change.field] = change }
            cursor = page.cursor
            if !page.hasMore { break }
        }
        #expect(cursor == (try await server.head("lab")))
        #expect(others.mapValues(\.value) == expected.filter { $0.value.hlc.node != NodeID(rawValue: 1) }.mapValues(\.value))
    }

    @Test(arguments: StoreKind.allCases) func aPullLeavesOutWhatTheAskingNodePushedAndItsCursorPassesIt(store: StoreKind) async throws {
        let (server, library) = try await Self.setUp(store)
        let service = server.service
        let now = server.clock.millis
        let (a, b): (UInt64, UInt64) = (0xA, 0xB)
        func change(_ nseq: Int64, _ id: Int, _ field: String, _ value: String, _ millis: Int64, node: UInt64) -> PushedChange {
            PushedChange(nseq: nseq, entity: "paper", id: String(format: "00000000-0000-5000-8000-%012d", id), field: field,
                         value: .string(value), hlc: Self.hlc(millis, node: node))
        }
        // A pushes ten records' titles in five batches; B writes venue on record 1
        // (A's title there stays A's) and then the title of record 2 (now B's);
        // A finally overwrites B's venue.
        for batch in 0..<5 {
            let changes = (0..<2).map { i in change(Int64(batch * 2 + i + 1), batch * 2 + i, "title", "a\(batch * 2 + i)", now, node: a) }
            _ = try await service.push(library: library, idempotencyKey: "a\(batch)", body: Self.body(node: a, changes))
        }
        _ = try await service.push(library: library, idempotencyKey: "b1", body: Self.body(node: b, [change(1, 1, "venue", "b venue", now + 1, node: b)]))
        _ = try await service.push(library: library, idempotencyKey: "b2", body: Self.body(node: b, [change(2, 2, "title", "b title", now + 2, node: b)]))
        let beforeLast = try await server.head("lab")
        _ = try await service.push(library: library, idempotencyKey: "a5", body: Self.body(node: a, [change(11, 1, "venue", "a venue", now + 3, node: a)]))
        let head = try await server.head("lab")

        // Every page in small steps, as each node: never an empty page with more to come.
        func pull(as node: UInt64?, from start: Int64, limit: Int) async throws -> (values: [String: String], cursor: Int64, pages: Int) {
            var values: [String: String] = [:]
            var cursor = start
            var pages = 0
            while true {
                let page = try await service.changes(library: library, cursor: String(cursor), limit: String(limit),
                                                     node: node.map { NodeID(rawValue: $0).description })
                pages += 1
                #expect(!page.changes.isEmpty || !page.hasMore, "an empty page said more was coming")
                #expect(page.cursor >= cursor)
                for change in page.changes { values[change.id.suffix(2) + " " + change.field] = change.value.stringValue }
                cursor = page.cursor
                if !page.hasMore { return (values, cursor, pages) }
            }
        }
        let asA = try await pull(as: a, from: 0, limit: 1)
        #expect(asA.values == ["02 title": "b title"])
        #expect(asA.cursor == head)
        let asB = try await pull(as: b, from: 0, limit: 1)
        #expect(asB.values.count == 10)
        #expect(asB.values["01 venue"] == "a venue" && asB.values["02 title"] == nil && asB.values["03 title"] == "a3")
        #expect(asB.cursor == head)
        // Anyone else (or a client that does not say) gets every latest value.
        let everyone = try await pull(as: nil, from: 0, limit: 1000)
        #expect(everyone.values.count == 11 && everyone.values["02 title"] == "b title" && everyone.values["01 venue"] == "a venue")
        #expect(everyone.cursor == head)
        // Right after its own push, A gets one empty page that moves its cursor to the head.
        let after = try await pull(as: a, from: beforeLast, limit: 1000)
        #expect(after.values.isEmpty && after.cursor == head && after.pages == 1)
        // A cursor past the head stays where it was.
        let past = try await service.changes(library: library, cursor: String(head + 5), limit: "10", node: NodeID(rawValue: a).description)
        #expect(past.changes.isEmpty && !past.hasMore && past.cursor == head + 5)
        await Self.expectError(.badRequest) { _ = try await service.changes(library: library, cursor: "0", limit: "10", node: "not-a-node") }
    }

    @Test(arguments: StoreKind.allCases) func aPurgeAbsorbsEveryLaterChange(store: StoreKind) async throws {
        let (server, library) = try await Self.setUp(store)
        let now = server.clock.millis
        let answer = try await server.service.push(library: library, idempotencyKey: "p", body: Self.body([
            PushedChange(nseq: 1, entity: "paper", id: Self.paper, field: "title", value: .string("gone"), hlc: Self.hlc(now)),
            PushedChange(nseq: 2, entity: "paper", id: Self.paper, field: "purged", value: .bool(true), hlc: Self.hlc(now, 1)),
            PushedChange(nseq: 3, entity: "paper", id: Self.paper, field: "title", value: .string("back?"), hlc: Self.hlc(now + 100)),
        ]))
        let results = try PushReceipt(bytes: Array(answer.body.utf8)).results.map(\.outcome)
        #expect(results == [.applied, .applied, .superseded])
        let dump = try await server.dump("lab")
        #expect(dump.contains("\"purged\""))
        #expect(!dump.contains("gone") && !dump.contains("back?"))
    }

    @Test(arguments: StoreKind.allCases) func unknownEntitiesAndFieldsAreKeptAndForwarded(store: StoreKind) async throws {
        let (server, library) = try await Self.setUp(store)
        let now = server.clock.millis
        _ = try await server.service.push(library: library, idempotencyKey: "u", body: Self.body([
            PushedChange(nseq: 1, entity: "paper", id: Self.paper, field: "reading_minutes", value: .int(42), hlc: Self.hlc(now)),
            PushedChange(nseq: 2, entity: "collection", id: Self.note, field: "members", value: .array([.string("x")]), hlc: Self.hlc(now)),
        ]))
        let page = try await server.service.changes(library: library, cursor: "0", limit: nil)
        #expect(Set(page.changes.map { "\($0.entity).\($0.field)" }) == ["paper.reading_minutes", "collection.members"])
    }
}
