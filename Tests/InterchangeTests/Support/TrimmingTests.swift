import Foundation
import Model
import Testing
@testable import Interchange

@Suite("Trimming spaces and finding links without Foundation's string search")
struct TrimmingTests {
    /// Characters a pasted line may start or end with: spaces of every kind, tabs,
    /// letters, a combining accent, an emoji, and line ends (which are not spaces).
    static let alphabet: [String] = [" ", "\t", "\u{00A0}", "\u{2003}", "\u{3000}", "\u{202F}", "a", "Z", "é", "e\u{0301}", "\u{0301}",
                                     "🙂", "\u{200B}", "\n", "\r", "\u{2028}", "\u{FEFF}", "http", "h", "://", "github.com/a/b", ".", "x"]

    static func randomText(_ random: inout SplitMix64) -> String {
        (0..<Int(random.next() % 12)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
    }

    /// The seed is printed; `TRIM_SEED=N` replays a run.
    @Test func trimmingSpacesGivesWhatFoundationGivesForAnyText() {
        let seed = UInt64(ProcessInfo.processInfo.environment["TRIM_SEED"].flatMap(UInt64.init) ?? 0x7_1A11)
        print("TRIM_SEED=\(seed)")
        var random = SplitMix64(seed: seed)
        for _ in 0..<20_000 {
            let text = Self.randomText(&random)
            #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            let inner = text.dropFirst()
            #expect(inner.trimmingSpaces() == inner.trimmingCharacters(in: .whitespaces))
        }
    }

    /// Where the bytes `http` first start (Foundation's `range(of:)` compares
    /// characters, so that it misses `http` followed by a combining accent).
    @Test func theFirstHTTPIsFoundInTheBytes() {
        let seed = UInt64(ProcessInfo.processInfo.environment["TRIM_SEED"].flatMap(UInt64.init) ?? 0x7_1A11)
        print("TRIM_SEED=\(seed)")
        var random = SplitMix64(seed: seed)
        for _ in 0..<20_000 {
            let text = Substring(Self.randomText(&random) + Self.randomText(&random))
            let bytes = Array(text.utf8)
            let expected = bytes.indices.first { bytes[$0...].starts(with: "http".utf8) }
            #expect(CodeLinks.http(in: text).map { text.utf8.distance(from: text.startIndex, to: $0) } == expected, "\(text)")
        }
        #expect(CodeLinks.all(in: "Code: https://github.com/a/b.git, and http://gitlab.com/c/d. Not https://example.org/e.")
            == ["https://github.com/a/b", "http://gitlab.com/c/d"])
    }
}
