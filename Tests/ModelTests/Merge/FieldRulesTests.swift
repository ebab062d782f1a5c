import Foundation
import Model
import Testing

@Suite("Field rules")
struct FieldRulesTests {
    static func stamp(_ millis: UInt64, _ node: UInt64 = 1, _ value: String = "v") -> Stamped {
        Stamped(.string(value), at: HLC(millis: millis, counter: 0, node: NodeID(rawValue: node)))
    }

    /// Merging two writes in either order keeps the same one: the later clock.
    @Test func lastWriterWinsIsOrderFree() {
        var random = SplitMix64(seed: 0xF1E1D)
        for _ in 0..<2000 {
            let a = Self.stamp(1_800_000_000_000 + random.next() % 4, random.next() % 3, "a")
            let b = Self.stamp(1_800_000_000_000 + random.next() % 4, random.next() % 3, "b")
            func merged(_ first: Stamped, _ second: Stamped) -> Stamped {
                FieldRules.lastWriterWins(stored: first, incoming: second) == .takeIncoming ? second : first
            }
            if a.hlc != b.hlc { #expect(merged(a, b) == merged(b, a)) }
        }
        #expect(FieldRules.lastWriterWins(stored: nil, incoming: Self.stamp(1)) == .takeIncoming)
        #expect(FieldRules.lastWriterWins(stored: Self.stamp(5), incoming: Self.stamp(5)) == .sameWrite)
        #expect(FieldRules.lastWriterWins(stored: Self.stamp(5, 1, "x"), incoming: Self.stamp(5, 1, "y")) == .clockClash)
        #expect(FieldRules.lastWriterWins(stored: Self.stamp(6), incoming: Self.stamp(5)) == .keepStored)
    }

    @Test func aPurgeAbsorbsEverythingButALaterPurge() {
        let purge = HLC(millis: 1_800_000_000_000, counter: 0, node: NodeID(rawValue: 1))
        let later = HLC(millis: 1_800_000_000_001, counter: 0, node: NodeID(rawValue: 1))
        #expect(FieldRules.purgeAbsorbs(purgedAt: purge, field: "title", hlc: later) == .keepStored)
        #expect(FieldRules.purgeAbsorbs(purgedAt: purge, field: Entity.purgedField, hlc: later) == .takeIncoming)
        #expect(FieldRules.purgeAbsorbs(purgedAt: later, field: Entity.purgedField, hlc: purge) == .keepStored)
        #expect(FieldRules.purgeAbsorbs(purgedAt: purge, field: Entity.purgedField, hlc: purge) == .sameWrite)
    }

    @Test func valuesAreCheckedOnceForEveryCaller() {
        let good = HLC(millis: 1_800_000_000_000, counter: 0, node: NodeID(rawValue: 1))
        let old = HLC(millis: 1_000, counter: 0, node: NodeID(rawValue: 1))
        #expect(FieldRules.problem(entity: "paper", field: "title", value: .string("fine"), hlc: good) == nil)
        #expect(FieldRules.problem(entity: "paper", field: "title", value: .string("a\u{0}b"), hlc: good)?.description == "value: text may not contain NUL characters (U+0000)")
        #expect(FieldRules.problem(entity: "paper", field: "year", value: .string("2024"), hlc: good)?.part == "value")
        #expect(FieldRules.problem(entity: "paper", field: "title", value: .string("fine"), hlc: old)?.description == "hlc: 0000000001000-0000-0000000000000001 is before 2000-01-01, not a real clock")
        #expect(FieldRules.problem(entity: "tag", field: Entity.purgedField, value: .bool(true), hlc: good)?.description == "field: a tag cannot be purged")
        #expect(FieldRules.problem(entity: "paper", field: Entity.purgedField, value: .bool(false), hlc: good)?.part == "value")
        // A field of a newer version is checked for its text only.
        #expect(FieldRules.problem(entity: "figure", field: "caption", value: .int(3), hlc: good) == nil)
        #expect(FieldRules.problem(entity: "figure", field: "caption", value: .string("\u{0}"), hlc: good) != nil)
        // A file's hash names a file: it is a SHA-256 or nothing, on every side.
        let hash = String(repeating: "ab", count: 32)
        #expect(FieldRules.problem(entity: "attachment", field: "sha256", value: .string(hash), hlc: good) == nil)
        #expect(FieldRules.problem(entity: "attachment", field: "sha256", value: .string("../../etc/passwd"), hlc: good)?.description
            == #"value: attachment.sha256 must be 64 lowercase hex digits (a SHA-256), not "../../etc/passwd""#)
        #expect(FieldRules.problem(entity: "attachment", field: "sha256", value: .string(hash.uppercased()), hlc: good) != nil)
        #expect(FieldRules.problem(entity: "attachment", field: "size", value: .int(-1), hlc: good)?.description == "value: attachment.size cannot be negative (-1)")
    }
}
