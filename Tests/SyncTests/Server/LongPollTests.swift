import Foundation
import Model
@testable import SyncServer
import SyncWire
import Testing

/// `changes?wait=S`: a pull that waits for the library's next push (live sync),
/// called in process against every store.
@Suite("Long poll: changes?wait=")
struct LongPollTests {
    typealias Conformance = PushProtocolTests

    static func push(_ server: TestServer, _ library: ServerLibrary, nseq: Int64, title: String, node: UInt64 = 0xA) async throws {
        let change = PushedChange(nseq: nseq, entity: "paper", id: Conformance.paper, field: "title", value: .string(title),
                                  hlc: Conformance.hlc(server.clock.millis, UInt16(nseq), node: node))
        _ = try await server.service.push(library: library, idempotencyKey: "key-\(node)-\(nseq)", body: Conformance.body(node: node, [change]))
    }

    @Test(arguments: StoreKind.allCases) func aWaitingPullAnswersAtOnceWhenTheLibraryHasChangesAfterItsCursor(store: StoreKind) async throws {
        let (server, library) = try await Conformance.setUp(store)
        try await Self.push(server, library, nseq: 1, title: "A")
        let page = try await server.service.changes(library: library, cursor: "0", limit: nil, wait: "60", waiter: "t")
        #expect(page.changes.map(\.field) == ["title"])
        #expect(server.service.waiters.waiting == 0)
    }

    @Test(arguments: StoreKind.allCases) func aWaitingPullWakesWhenAPushCommitsAndAnswersWithIt(store: StoreKind) async throws {
        let (server, library) = try await Conformance.setUp(store)
        let service = server.service
        async let page = service.changes(library: library, cursor: "0", limit: nil, wait: "60", waiter: "t")
        while service.waiters.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Self.push(server, library, nseq: 1, title: "Woken")
        let answer = try await page
        #expect(answer.changes.map(\.value) == [.string("Woken")])
        #expect(answer.cursor == 1)
        #expect(service.waiters.waiting == 0)
    }

    @Test(arguments: StoreKind.allCases) func aWaitingPullWithNothingNewAnswersAnEmptyPageWhenItsTimePasses(store: StoreKind) async throws {
        let (server, library) = try await Conformance.setUp(store)
        try await Self.push(server, library, nseq: 1, title: "A")
        let page = try await server.service.changes(library: library, cursor: "1", limit: nil, wait: "1", waiter: "t")
        #expect(page.changes.isEmpty && page.cursor == 1 && !page.hasMore)
        #expect(server.service.waiters.waiting == 0)
    }

    @Test(arguments: StoreKind.allCases) func aPushToAnotherLibraryDoesNotWakeAPull(store: StoreKind) async throws {
        let (server, library) = try await Conformance.setUp(store)
        _ = try await server.makeLibrary("other")
        let other = try await server.library("other")
        let service = server.service
        async let page = service.changes(library: library, cursor: "0", limit: nil, wait: "2", waiter: "t")
        while service.waiters.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Self.push(server, other, nseq: 1, title: "Elsewhere")
        #expect(try await page.changes.isEmpty)
    }

    /// A push racing the pull, 200 times: whichever lands first, the pull answers
    /// with the change (a lost wake-up would answer an empty page after 30 s).
    @Test(arguments: StoreKind.allCases) func noWakeUpIsLostBetweenAPullReadingTheStoreAndStartingToWait(store: StoreKind) async throws {
        let (server, library) = try await Conformance.setUp(store)
        let service = server.service
        for round in 1...200 {
            let cursor = Int64(round - 1)
            async let page = service.changes(library: library, cursor: String(cursor), limit: nil, wait: "30", waiter: "t")
            try await Self.push(server, library, nseq: Int64(round), title: "round \(round)")
            let answer = try await page
            #expect(answer.changes.map(\.value) == [.string("round \(round)")], "round \(round)")
            if answer.changes.isEmpty { break }
        }
    }

    @Test func aTokenHoldsAtMostItsLimitOfWaitingPullsAndClosingAnswersThemAll() async throws {
        let (server, library) = try await Conformance.setUp(.sqlite)
        let service = server.service
        let limit = service.waiters.limitPerHolder
        let pulls = (0..<limit).map { _ in
            Task { try await service.changes(library: library, cursor: "0", limit: nil, wait: "60", waiter: "one token") }
        }
        while service.waiters.waiting < limit { try await Task.sleep(for: .milliseconds(5)) }
        await Conformance.expectError(.tooManyWaiters) {
            _ = try await service.changes(library: library, cursor: "0", limit: nil, wait: "60", waiter: "one token")
        }
        #expect(WireErrorCode.tooManyWaiters.status == 429)
        // Another token still may.
        let other = Task { try await service.changes(library: library, cursor: "0", limit: nil, wait: "60", waiter: "another token") }
        while service.waiters.waiting < limit + 1 { try await Task.sleep(for: .milliseconds(5)) }
        let started = ContinuousClock.now
        service.answerWaitingPulls()
        for pull in pulls + [other] { #expect(try await pull.value.changes.isEmpty) }
        #expect(ContinuousClock.now - started < .seconds(30), "closing left pulls waiting out their minute")
        // After closing, a pull does not wait.
        #expect(try await service.changes(library: library, cursor: "0", limit: nil, wait: "60", waiter: "t").changes.isEmpty)
    }

    @Test func aWaitOutsideZeroToSixtySecondsIsABadRequest() async throws {
        let (server, library) = try await Conformance.setUp(.sqlite)
        for bad in ["-1", "61", "soon"] {
            await Conformance.expectError(.badRequest) {
                _ = try await server.service.changes(library: library, cursor: "0", limit: nil, wait: bad, waiter: "t")
            }
        }
    }
}
