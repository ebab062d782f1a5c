import Foundation
import Model
import PropertyBased
import SyncWire
import Testing

/// The messages that carry thousands of changes read their array straight from the
/// text; every other reading goes through a parsed `JSONValue`. Both must give the
/// same message, or the same first error, for any text.
@Suite("Wire messages read from text")
struct WireDocumentTests {
    static let node = NodeID(rawValue: 0xA)
    static func hlc(_ millis: UInt64) -> HLC { HLC(millis: millis, counter: 1, node: node) }
    static let ids = ["00000000-0000-5000-8000-000000000001", "00000000-0000-7000-8000-000000000002"]

    static func change(_ n: Int) -> PushedChange {
        let even = n % 2 == 0
        let value: JSONValue = even ? .string("line \(n)\n\"quoted\" é") : .array([.string("Ada"), .int(Int64(n))])
        return PushedChange(nseq: Int64(n), entity: even ? "note" : "paper", id: ids[n % 2], field: even ? "body" : "authors",
                            value: value, hlc: hlc(1_764_000_000_000 + UInt64(n)), baseRev: even ? 3 : nil)
    }
    static let push = PushRequest(node: node, changes: (1...4).map(change))
    static let page = ChangesPage(changes: (1...3).map {
        PulledChange(seq: Int64($0), entity: "paper", id: ids[0], field: "year", value: .int(2020 + Int64($0)), hlc: hlc(UInt64($0)), rev: $0 == 2 ? 7 : nil)
    }, cursor: 3, hasMore: true, epoch: "e1", serverTimeMillis: 1_764_000_000_000)
    static let receipt = PushReceipt(ackedThroughNseq: 4, seq: 9, results: [
        PushResult(nseq: 1, outcome: .applied, rev: 2),
        PushResult(nseq: 2, outcome: .rebaseRequired, rev: 5, value: .string("server text"), hlc: hlc(5)),
        PushResult(nseq: 3, outcome: .rejected, reason: "too long"),
    ], epoch: "e1", serverTimeMillis: 1_764_000_000_000)

    /// What reading `text` as `T` gives: the message's canonical text, or the error.
    static func outcome<T: WireMessage>(_ type: T.Type, _ text: [UInt8], throughValue: Bool) -> String {
        do {
            if throughValue {
                let value: JSONValue
                do {
                    value = try text.withUnsafeBufferPointer { try JSONValue(parsingUTF8: $0) }
                } catch {
                    return "error: not valid JSON: \(error)"
                }
                return try T(json: value).jsonText
            }
            return try T(bytes: text).jsonText
        } catch {
            return "error: \(error)"
        }
    }

    static func sameEitherWay<T: WireMessage>(_ type: T.Type, _ text: String) -> Bool {
        outcome(type, Array(text.utf8), throughValue: true) == outcome(type, Array(text.utf8), throughValue: false)
    }

    @Test func messagesReadBackAsWritten() throws {
        #expect(try PushRequest(bytes: Self.push.jsonBytes) == Self.push)
        #expect(try ChangesPage(bytes: Self.page.jsonBytes) == Self.page)
        #expect(try PushReceipt(bytes: Self.receipt.jsonBytes) == Self.receipt)
        #expect(try PushRequest(bytes: Array("  \n\(Self.push.jsonText)\n ".utf8)) == Self.push)
    }

    @Test(arguments: [
        #"{"node_id":"000000000000000a","changes":[{"nseq":1,"entity":"paper","id":"00000000-0000-5000-8000-000000000001","field":"year","value":1,"hlc":"x"}]}"#,
        #"{"node_id":"000000000000000a","changes":5}"#,
        #"{"node_id":"000000000000000a","changes":[1,{}]}"#,
        #"{"node_id":"000000000000000a","changes":[]}"#,
        #"{"node_id":"000000000000000a"}"#,
        #"{"changes":[{}],"changes":"no"}"#,
        #"{"node_id":"000000000000000a","changes":"no","changes":[{"nseq":1}]}"#,
        #"{"node_id":"000000000000000a","changes":[{"nseq":1,"nseq":2}]} x"#,
        #"{"node_id":"000000000000000a","changes":[{"nseq":1,}]}"#,
        #"[{"node_id":"000000000000000a"}]"#,
        #""#,
        #"{"node_id":"zz","changes":[{"nseq":1,"entity":"Paper"}]}"#,
        // Valid, with a key given twice: the last one counts.
        #"{"node_id":"000000000000000a","changes":[{"nseq":0,"nseq":1,"entity":"paper","id":"00000000-0000-5000-8000-000000000001","field":"year","value":1,"hlc":"1764000000000-0001-000000000000000a"}]}"#,
    ])
    func brokenPushesGetTheSameFirstErrorEitherWay(text: String) {
        if text.contains(#""nseq":0,"nseq":1"#) { #expect(Self.outcome(PushRequest.self, Array(text.utf8), throughValue: false).hasPrefix("{")) }
        #expect(Self.sameEitherWay(PushRequest.self, text), "\(Self.outcome(PushRequest.self, Array(text.utf8), throughValue: false))")
    }

    /// Random damage to valid messages (a byte dropped, repeated or replaced by
    /// JSON punctuation): both readings agree on every text.
    @Test func anyDamagedMessageReadsTheSameEitherWay() async {
        let texts = [Self.push.jsonText, Self.page.jsonText, Self.receipt.jsonText].map { Array($0.utf8) }
        let punctuation = Array(#"{}[]:,"0 a-\"#.utf8)
        let input = zip(Gen.int(in: 0...2), Gen.int(in: 0...10_000), Gen.int(in: 0...2), Gen.int(in: 0..<punctuation.count))
        await propertyCheck(count: 3000, input: input) { which, at, edit, replacement in
            var text = texts[which]
            let index = at % text.count
            switch edit {
            case 0: text.remove(at: index)
            case 1: text.insert(text[index], at: index)
            default: text[index] = punctuation[replacement]
            }
            switch which {
            case 0: #expect(Self.outcome(PushRequest.self, text, throughValue: true) == Self.outcome(PushRequest.self, text, throughValue: false))
            case 1: #expect(Self.outcome(ChangesPage.self, text, throughValue: true) == Self.outcome(ChangesPage.self, text, throughValue: false))
            default: #expect(Self.outcome(PushReceipt.self, text, throughValue: true) == Self.outcome(PushReceipt.self, text, throughValue: false))
            }
        }
    }
}
