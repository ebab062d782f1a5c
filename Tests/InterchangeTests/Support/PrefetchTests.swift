import Interchange
import Synchronization
import Testing

@Suite("Prefetch: a producer thread a few batches ahead")
struct PrefetchTests {
    struct Failure: Error, Equatable { var at: Int }

    @Test func everyItemArrivesInOrderAndTheProducerStaysAFewBatchesAhead() throws {
        let produced = Atomic<Int>(0)
        var consumed: [Int] = []
        var mostAhead = 0
        try Prefetch.run(batchSize: 16, ahead: 3, produce: { emit in
            for i in 0..<10_000 {
                produced.add(1, ordering: .sequentiallyConsistent)
                try emit(i)
            }
        }, consume: { (item: Int) in
            consumed.append(item)
            mostAhead = max(mostAhead, produced.load(ordering: .sequentiallyConsistent) - consumed.count)
        })
        #expect(consumed.count == 10_000 && consumed == Array(0..<10_000), "\(consumed.count) items consumed")
        // At most `ahead` batches queued, one being filled, one being consumed.
        #expect(mostAhead <= 16 * 5, "the producer ran \(mostAhead) items ahead")
        #expect(mostAhead > 0, "the producer never ran ahead: nothing was concurrent")
    }

    @Test func aProducerErrorComesAfterTheItemsBeforeIt() {
        var consumed: [Int] = []
        #expect(throws: Failure(at: 1000)) {
            try Prefetch.run(batchSize: 64, produce: { emit in
                for i in 0..<5000 {
                    if i == 1000 { throw Failure(at: i) }
                    try emit(i)
                }
            }, consume: { (item: Int) in consumed.append(item) })
        }
        #expect(consumed.count == 1000 && consumed == Array(0..<1000), "\(consumed.count) items consumed")
    }

    @Test func aConsumerErrorStopsTheProducerBeforeRunReturns() {
        let stoppedAt = Atomic<Int>(-1)
        #expect(throws: Failure(at: 100)) {
            try Prefetch.run(batchSize: 8, ahead: 2, produce: { emit in
                var i = 0
                defer { stoppedAt.store(i, ordering: .sequentiallyConsistent) }
                while i < 1_000_000 {
                    try emit(i)
                    i += 1
                }
            }, consume: { (item: Int) in if item == 100 { throw Failure(at: item) } })
        }
        let stopped = stoppedAt.load(ordering: .sequentiallyConsistent)
        #expect(stopped >= 100 && stopped < 200, "the producer stopped at \(stopped), after run returned or far too late")
    }
}
