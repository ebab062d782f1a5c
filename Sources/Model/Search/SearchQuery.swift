/// A parsed search or list query.
///
/// The language: free words and `"quoted phrases"` (all must match), `-word` to
/// exclude, `word*` for a prefix, and filters `tag:NAME`, `status:STATE`,
/// `year:2024`, `year:2020..2023`, `author:NAME`, `has:notes|highlights|code|pdf|abstract`,
/// `in:trash`. A filter can be negated with `-` (`-tag:seen`). Any text parses: an
/// unknown `key:value` is searched as words, an unclosed quote runs to the end.
/// Only a known filter with a value it cannot take is an error.
///
/// ```swift
/// let query = try SearchQuery("tag:ml \"attention is\" -survey year:2020..2023")
/// query.tags      // [ml]
/// query.phrases   // ["attention is"]
/// ```
public struct SearchQuery: Hashable, Sendable {
    /// A text term: a word, a phrase or a prefix.
    public enum Term: Hashable, Sendable {
        case word(String)
        case phrase(String)
        case prefix(String)
    }

    /// What a paper can be required to have.
    public enum Feature: String, CaseIterable, Hashable, Sendable {
        case notes, highlights, code, pdf, abstract, tags, doi, arxiv
        /// A file of the paper is in this machine's file store.
        case file
        /// Text extracted from one of the paper's files is indexed for search.
        case text
    }

    /// Terms every result must match.
    public var terms: [Term] = []
    /// Terms no result may match.
    public var excludedTerms: [Term] = []
    /// Tags every result must carry.
    public var tags: [TagName] = []
    /// Tags no result may carry.
    public var excludedTags: [TagName] = []
    /// Papers in any of these statuses (empty: any status).
    public var statuses: [ReadingStatus] = []
    /// Statuses no result may be in.
    public var excludedStatuses: [ReadingStatus] = []
    /// The publication years results must fall in.
    public var years: ClosedRange<Int>?
    /// Texts that an author name of every result must contain, one per `author:` term.
    public var authors: [String] = []
    /// What every result must have.
    public var has: [Feature] = []
    /// What no result may have.
    public var lacks: [Feature] = []
    /// Search the trash instead of the reading list.
    public var inTrash = false
    /// Only matches inside the papers' own text (their files), not their metadata.
    public var inText = false
    /// Terms that were dropped because they hold no letter or digit (`🙂`, `-`):
    /// a query made only of them asks for nothing that can be searched.
    public var ignoredTerms: [String] = []

    /// The empty query: every paper not in the trash.
    public init() {}

    /// Parses `text`; throws only for a known filter with an unusable value.
    public init(_ text: String) throws(SearchQueryError) {
        for token in SearchQuery.tokenize(text) {
            try add(token)
        }
    }

    /// Whether the query has text terms, so results can be ranked.
    public var hasText: Bool { !terms.isEmpty }

    /// Whether the query asks for nothing: no term, no filter (every paper matches).
    public var isEmpty: Bool {
        terms.isEmpty && excludedTerms.isEmpty && tags.isEmpty && excludedTags.isEmpty && statuses.isEmpty
            && excludedStatuses.isEmpty && years == nil && authors.isEmpty && has.isEmpty && lacks.isEmpty && !inTrash && !inText
    }

    /// The same query with every phrase taken as separate words: what a search
    /// that found nothing for a phrase tries next, to say whether the words alone match.
    public var withPhrasesAsWords: SearchQuery {
        var copy = self
        copy.terms = terms.flatMap { term -> [Term] in
            guard case .phrase(let text) = term else { return [term] }
            return text.split(whereSeparator: \.isWhitespace).map { .word(String($0)) }
        }
        return copy
    }

    /// The phrases among ``terms``.
    public var phrases: [String] {
        terms.compactMap { if case .phrase(let p) = $0 { p } else { nil } }
    }

    struct Token {
        var text: String
        var quoted: Bool
        var negated: Bool
        var key: String?
    }

    private mutating func add(_ token: Token) throws(SearchQueryError) {
        guard let key = token.key else {
            addTerm(token.text, quoted: token.quoted, negated: token.negated)
            return
        }
        let value = token.text
        let shown = (token.negated ? "-" : "") + key + ":" + value
        func fail(_ reason: String) -> SearchQueryError { SearchQueryError(token: shown, reason: reason) }
        guard !value.isEmpty else { throw fail("'\(key):' needs a value") }
        switch key {
        case "tag":
            let name: TagName
            do { name = try TagName(value) } catch { throw fail(error.reason) }
            if token.negated { excludedTags.append(name) } else { tags.append(name) }
        case "status":
            guard let status = ReadingStatus(name: value) else {
                throw fail("unknown status '\(value)'; use \(ReadingStatus.namesForMessages)")
            }
            if token.negated { excludedStatuses.append(status) } else { statuses.append(status) }
        case "year":
            guard !token.negated else { throw fail("a year range cannot be negated") }
            guard let range = SearchQuery.yearRange(value) else {
                throw fail("expected a year such as 2024 or a range such as 2020..2023")
            }
            years = range
        case "author":
            guard !token.negated else { throw fail("an author filter cannot be negated") }
            authors.append(value)
        case "has", "no":
            guard let feature = Feature(rawValue: value.lowercased()) else {
                let names = Feature.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail("unknown feature '\(value)'; use one of \(names)")
            }
            if token.negated != (key == "no") { lacks.append(feature) } else { has.append(feature) }
        case "in":
            switch (value.lowercased(), token.negated) {
            case ("trash", false): inTrash = true
            case ("text", false): inText = true
            default: throw fail("only 'in:trash' and 'in:text' are supported")
            }
        default:
            addTerm(key + ":" + value, quoted: token.quoted, negated: token.negated)
        }
    }

    private mutating func addTerm(_ text: String, quoted: Bool, negated: Bool) {
        let term: Term
        if quoted {
            term = .phrase(text)
        } else if text.hasSuffix("*"), text.count > 1 {
            term = .prefix(String(text.dropLast()))
        } else {
            term = .word(text)
        }
        // A term with no letter or digit matches nothing useful: drop it.
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else {
            ignoredTerms.append((negated ? "-" : "") + (quoted ? "\"\(text)\"" : text))
            return
        }
        if negated { excludedTerms.append(term) } else { terms.append(term) }
    }

    static let filterKeys: Set<String> = ["tag", "status", "year", "author", "has", "no", "in"]

    static func yearRange(_ text: String) -> ClosedRange<Int>? {
        func year(_ s: Substring) -> Int? {
            guard s.count == 4, s.allSatisfy(\.isASCIIDigit) else { return nil }
            return Int(s)
        }
        if let dots = text.range(of: "..") {
            let low = text[..<dots.lowerBound], high = text[dots.upperBound...]
            let from = low.isEmpty ? 0 : year(low), to = high.isEmpty ? 9999 : year(high)
            guard let from, let to, from <= to, !(low.isEmpty && high.isEmpty) else { return nil }
            return from...to
        }
        return year(Substring(text)).map { $0...$0 }
    }

    /// Splits on white space outside quotes; `"…"`, `“…”` quote; a leading `-`
    /// negates; `key:` before a known filter key makes a filter, whose value may
    /// be quoted (`tag:"deep learning"`).
    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        func isQuote(_ c: Character) -> Bool { c == "\"" || c == "\u{201C}" || c == "\u{201D}" }
        while i < chars.count {
            while i < chars.count, chars[i].isWhitespace { i += 1 }
            guard i < chars.count else { break }
            var negated = false
            if chars[i] == "-", i + 1 < chars.count, !chars[i + 1].isWhitespace {
                negated = true
                i += 1
            }
            var key: String?
            // key:value
            var j = i
            while j < chars.count, chars[j].isLetter { j += 1 }
            if j < chars.count, j > i, chars[j] == ":", SearchQuery.filterKeys.contains(String(chars[i..<j]).lowercased()) {
                key = String(chars[i..<j]).lowercased()
                i = j + 1
            }
            if i < chars.count, isQuote(chars[i]) {
                i += 1
                var value = ""
                while i < chars.count, !isQuote(chars[i]) { value.append(chars[i]); i += 1 }
                i += 1
                tokens.append(Token(text: value.split(whereSeparator: \.isWhitespace).joined(separator: " "),
                                    quoted: key == nil, negated: negated, key: key))
            } else {
                var value = ""
                while i < chars.count, !chars[i].isWhitespace { value.append(chars[i]); i += 1 }
                tokens.append(Token(text: value, quoted: false, negated: negated, key: key))
            }
        }
        return tokens
    }
}

/// A query filter with a value it cannot take.
public struct SearchQueryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The offending token as typed, e.g. `status:done`.
    public let token: String
    /// What is wrong, in words for a terminal.
    public let reason: String
    /// The text form.
    public var description: String { "invalid query term '\(token)': \(reason)" }
}
