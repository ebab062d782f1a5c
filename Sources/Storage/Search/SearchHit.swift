import Foundation
import Model

/// A search result: the paper, its tags, where the words matched, and its rank.
public struct SearchHit: Hashable, Sendable {
    /// The paper.
    public var paper: Paper
    /// Its tags, sorted.
    public var tags: [TagName]
    /// A passage around the best match, with matches between ``SearchHit/markStart``
    /// and ``SearchHit/markEnd``; use ``snippet(open:close:)`` to render it.
    public var rawSnippet: String
    /// bm25 score: lower is better.
    public var score: Double
    /// The page of the paper's own text the snippet is from, when the words matched
    /// only there (not in its title, abstract, notes, highlights or tags).
    public var page: Int? = nil

    /// Marks SQLite puts around matched words in ``rawSnippet``.
    public static let markStart = "\u{1}"
    /// Mark SQLite puts after a matched word.
    public static let markEnd = "\u{2}"

    /// The snippet with matches wrapped in `open` and `close`, e.g. ANSI colours or `**`.
    public func snippet(open: String, close: String) -> String {
        var out = ""
        out.reserveCapacity(rawSnippet.utf8.count + 16)
        for scalar in rawSnippet.unicodeScalars {
            switch scalar {
            case "\u{1}": out += open
            case "\u{2}": out += close
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
