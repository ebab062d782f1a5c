import Model
import PropertyBased
import Synchronization
import Testing

@Suite("Three-way line merge")
struct LineMergeTests {
    @Test func disjointEditsMergeAndOverlappingOnesConflict() {
        #expect(LineMerge.merge(base: "a\nb\nc", local: "a\nB\nc", remote: "a\nb\nc\nd") == .merged("a\nB\nc\nd"))
        #expect(LineMerge.merge(base: "a\nb\nc", local: "x\na\nb\nc", remote: "a\nc") == .merged("x\na\nc"))
        #expect(LineMerge.merge(base: "a\nb\nc", local: "a\nB\nc", remote: "a\nβ\nc") == .conflict)
        #expect(LineMerge.merge(base: "a\nb\nc", local: "a\nB\nc", remote: "a\nB\nc") == .merged("a\nB\nc"))
        #expect(LineMerge.merge(base: "", local: "new", remote: "") == .merged("new"))
        #expect(LineMerge.merge(base: "", local: "one", remote: "two") == .conflict)
    }

    /// Edits of a list of unique lines: deletions, insertions of new unique lines,
    /// and changes (a deletion and an insertion at one place).
    static func edit(_ lines: [String], steps: [UInt64], tag: String) -> [String] {
        var result = lines
        var fresh = 0
        for step in steps {
            let span = 0..<result.count
            guard !span.isEmpty || step % 3 == 1 else { continue }
            let position = span.isEmpty ? span.lowerBound : span.lowerBound + Int(step / 3 % UInt64(span.count))
            switch step % 3 {
            case 0: if position < result.count { result.remove(at: position) }
            case 1: result.insert("\(tag)\(fresh)", at: min(position, result.count)); fresh += 1
            default: if position < result.count { result[position] = "\(tag)\(fresh)"; fresh += 1 }
            }
        }
        return result
    }

    @Test func aMergeKeepsEveryLineEitherSideAddedAndEveryLineBothKept() async {
        let cases = zip(Gen.int(in: 0...30), Gen.uint64().array(of: 0...6), Gen.uint64().array(of: 0...6))
        let counts = Mutex((merged: 0, all: 0))
        await propertyCheck(count: 1000, input: cases) { size, localSteps, remoteSteps in
            let base = (0..<size).map { "base\($0)" }
            let local = Self.edit(base, steps: localSteps, tag: "L")
            let remote = Self.edit(base, steps: remoteSteps, tag: "R")
            let outcome = LineMerge.merge(base: base.joined(separator: "\n"), local: local.joined(separator: "\n"), remote: remote.joined(separator: "\n"))
            counts.withLock { $0.all += 1 }
            guard case .merged(let text) = outcome else { return }  // a conflict keeps both texts whole
            counts.withLock { $0.merged += 1 }
            let merged = Set(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            for line in local where !base.contains(line) { #expect(merged.contains(line), "local line \(line) lost") }
            for line in remote where !base.contains(line) { #expect(merged.contains(line), "remote line \(line) lost") }
            for line in base where local.contains(line) && remote.contains(line) { #expect(merged.contains(line), "kept line \(line) lost") }
            for line in base where !local.contains(line) || !remote.contains(line) { #expect(!merged.contains(line) || line.isEmpty, "deleted line \(line) came back") }
        }
        // A merge that conflicted on every case would pass the checks above. About
        // half of these random edit pairs touch different lines (491 of 1,000 merged
        // when measured); fewer than a third merging means the merge gave up.
        let (merged, all) = counts.withLock { ($0.merged, $0.all) }
        #expect(all == 1000 && merged * 3 > all, "only \(merged) of \(all) cases merged")
    }

    @Test func editsOnEitherSideOfAnUntouchedLineAlwaysMerge() async {
        let cases = zip(Gen.int(in: 3...30), Gen.uint64().array(of: 1...6), Gen.uint64().array(of: 1...6))
        await propertyCheck(count: 1000, input: cases) { size, localSteps, remoteSteps in
            let base = (0..<size).map { "base\($0)" }
            let middle = size / 2
            // Local edits only before the middle line, remote ones only after it.
            let localHead = Self.edit(Array(base[..<middle]), steps: localSteps, tag: "L")
            let remoteTail = Self.edit(Array(base[(middle + 1)...]), steps: remoteSteps, tag: "R")
            let local = localHead + Array(base[middle...])
            let remote = Array(base[...middle]) + remoteTail
            let outcome = LineMerge.merge(base: base.joined(separator: "\n"), local: local.joined(separator: "\n"), remote: remote.joined(separator: "\n"))
            #expect(outcome == .merged((localHead + [base[middle]] + remoteTail).joined(separator: "\n")))
        }
    }
}
