import Foundation
import Model
import PropertyBased
import Testing

@Suite("Text normalization")
struct TextNormalizationTests {
    /// Pieces of text with every kind of white space, and the characters around it.
    static let pieces = [" ", "  ", "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2003}", "\u{200A}",
                         "\u{200B}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "a", "Zoë", "e\u{301}", "🧪", "中", "-", "$x$"]

    @Test func collapsingWhitespaceAgreesWithSplittingOnCharacterWhitespace() async {
        let texts = Gen.element(of: Self.pieces).map { $0 ?? "" }.array(of: 0...30).map { $0.joined() }
        await propertyCheck(count: 2000, input: texts) { text in
            #expect(TextNormalization.collapsingWhitespace(text) == text.split(whereSeparator: \.isWhitespace).joined(separator: " "))
        }
    }

    @Test func storedTextIsNFCWithNewlinesWhateverTheScript() async {
        let pieces = ["a", "e\u{301}", "é", "\u{212B}", "Å", "\u{2126}", "\u{2000}", "中", "\u{F900}", "か\u{3099}", "が", "\u{1100}\u{1161}",
                      "한", "🧪", "\r\n", "\r", "\n", "\u{344}", "\u{387}", "Ω", "ñ", "n\u{303}", "\u{1E9B}\u{323}"]
        let texts = Gen.element(of: pieces).map { $0 ?? "" }.array(of: 0...20).map { $0.joined() }
        await propertyCheck(count: 2000, input: texts) { text in
            let expected = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n").precomposedStringWithCanonicalMapping
            let stored = TextNormalization.storedText(text)
            #expect(Array(stored.unicodeScalars) == Array(expected.unicodeScalars))
        }
    }

    @Test func textWithNothingToCollapseIsReturnedAsIs() {
        #expect(TextNormalization.collapsingWhitespace("Attention Is All You Need") == "Attention Is All You Need")
        #expect(TextNormalization.collapsingWhitespace("  a\t b\u{A0}\u{A0}c \n") == "a b c")
        #expect(TextNormalization.collapsingWhitespace("") == "")
    }
}
