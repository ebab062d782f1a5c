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

    @Test func textWithNothingToCollapseIsReturnedAsIs() {
        #expect(TextNormalization.collapsingWhitespace("Attention Is All You Need") == "Attention Is All You Need")
        #expect(TextNormalization.collapsingWhitespace("  a\t b\u{A0}\u{A0}c \n") == "a b c")
        #expect(TextNormalization.collapsingWhitespace("") == "")
    }
}
