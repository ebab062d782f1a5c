import Foundation
import Model
import PropertyBased
import Testing

@Suite("HLC text form and order")
struct HLCTests {
    let node = NodeID(rawValue: 0x8f3a_1b2c_3d4e_5f60)

    @Test func textFormMatchesTheDesignExample() throws {
        let hlc = HLC(millis: 1_732_660_000_123, counter: 4, node: node)
        #expect(hlc.description == "1732660000123-0004-8f3a1b2c3d4e5f60")
        #expect(HLC("1732660000123-0004-8f3a1b2c3d4e5f60") == hlc)
    }

    @Test func malformedTextIsRejected() {
        for text in ["", "1732660000123-0004", "173266000012-0004-8f3a1b2c3d4e5f60", "1732660000123-004-8f3a1b2c3d4e5f600",
                     "1732660000123-00g4-8f3a1b2c3d4e5f60", "+732660000123-0004-8f3a1b2c3d4e5f60", "1732660000123-0004-8f3a1b2c3d4e5f6z"] {
            #expect(HLC(text) == nil, "\(text) should not parse")
        }
    }

    @Test func textRoundTripsAndStringOrderEqualsClockOrder() async {
        let hlcs = zip(Gen.uint64(in: 0...HLC.maxMillis), Gen.uint16(), Gen.uint64())
            .map { parts in HLC(millis: parts.0, counter: parts.1, node: NodeID(rawValue: parts.2)) }
        await propertyCheck(count: 500, input: hlcs, hlcs) { a, b in
            #expect(HLC(a.description) == a)
            #expect((a.description < b.description) == (a < b))
            #expect((a.description == b.description) == (a == b))
        }
    }
}

@Suite("Hybrid clock")
struct HybridClockTests {
    let node = NodeID(rawValue: 42)

    @Test func isStrictlyIncreasingWhenTheWallClockJumpsBackwards() async {
        // Wall clock readings that wander, including large backward jumps.
        let walks = Gen.int64(in: -3_600_000...60_000).array(of: 1...300)
        await propertyCheck(count: 200, input: walks) { steps in
            var clock = HybridClock(node: node)
            var wall: UInt64 = 1_732_660_000_000
            var previous: HLC?
            for step in steps {
                wall = UInt64(max(0, Int64(wall) + step))
                let next = clock.now(wallMillis: wall)
                if let previous { #expect(next > previous) }
                #expect(next.millis >= min(wall, HLC.maxMillis) || previous.map { next.millis >= $0.millis } == true)
                previous = next
            }
        }
    }

    @Test func counterOverflowAdvancesTheMilliseconds() {
        var clock = HybridClock(node: node, last: HLC(millis: 1000, counter: UInt16.max - 1, node: node))
        let a = clock.now(wallMillis: 1000)
        let b = clock.now(wallMillis: 1000)
        let c = clock.now(wallMillis: 1000)
        #expect(a == HLC(millis: 1000, counter: .max, node: node))
        #expect(b == HLC(millis: 1001, counter: 0, node: node))
        #expect(c == HLC(millis: 1001, counter: 1, node: node))
        #expect(a < b && b < c)
    }

    @Test func seventyThousandStampsInOneMillisecondStayOrdered() {
        var clock = HybridClock(node: node)
        var previous = clock.now(wallMillis: 5)
        for _ in 0..<70_000 {
            let next = clock.now(wallMillis: 5)
            #expect(next > previous)
            previous = next
        }
        #expect(previous.millis == 6)
    }

    @Test func receivingARemoteClockMakesTheNextLocalStampWin() async {
        let remote = zip(Gen.uint64(in: 0...2_000_000), Gen.uint16())
            .map { parts in HLC(millis: parts.0, counter: parts.1, node: NodeID(rawValue: UInt64.max)) }
        await propertyCheck(count: 300, input: remote, Gen.uint64(in: 0...2_000_000)) { seen, wall in
            var clock = HybridClock(node: node)
            clock.receive(seen)
            let next = clock.now(wallMillis: wall)
            #expect(next > seen)
            #expect(next.node == node)
        }
    }

    @Test func resumesAfterThePersistedClock() {
        let last = HLC(millis: 9_000, counter: 7, node: node)
        var clock = HybridClock(node: node, last: last)
        #expect(clock.now(wallMillis: 10) == HLC(millis: 9_000, counter: 8, node: node))
    }
}
