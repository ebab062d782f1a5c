import Model
import Testing

@Suite("Search query language")
struct SearchQueryTests {
    @Test func wordsPhrasesExclusionsAndPrefixes() throws {
        let query = try SearchQuery(#"attention "neural operator" -survey transform*"#)
        #expect(query.terms == [.word("attention"), .phrase("neural operator"), .prefix("transform")])
        #expect(query.excludedTerms == [.word("survey")])
    }

    @Test func everyFilter() throws {
        let query = try SearchQuery(#"tag:ML -tag:seen status:queued status:reading year:2020..2023 author:"Ada Lovelace" has:notes has:code no:pdf -has:highlights in:trash"#)
        #expect(query.tags == [try TagName("ml")])
        #expect(query.excludedTags == [try TagName("seen")])
        #expect(query.statuses == [.queued, .reading])
        #expect(query.years == 2020...2023)
        #expect(query.authors == ["Ada Lovelace"])
        #expect(query.has == [.notes, .code])
        #expect(query.lacks == [.pdf, .highlights])
        #expect(query.inTrash)
        #expect(query.terms.isEmpty)
    }

    @Test(arguments: [("year:2024", 2024...2024), ("year:2020..", 2020...9999), ("year:..2019", 0...2019)])
    func yearForms(text: String, range: ClosedRange<Int>) throws {
        #expect(try SearchQuery(text).years == range)
    }

    @Test(arguments: [
        ("status:done", "invalid query term 'status:done': unknown status 'done'; use inbox, queued, reading, read or dropped"),
        ("year:twenty", "invalid query term 'year:twenty': expected a year such as 2024 or a range such as 2020..2023"),
        ("year:2024..2020", "invalid query term 'year:2024..2020': expected a year such as 2024 or a range such as 2020..2023"),
        ("tag:", "invalid query term 'tag:': 'tag:' needs a value"),
        ("has:wings", "invalid query term 'has:wings': unknown feature 'wings'; use one of notes, highlights, code, pdf, abstract, tags, doi, arxiv, file, text"),
        ("in:inbox", "invalid query term 'in:inbox': only 'in:trash' and 'in:text' are supported"),
    ])
    func badFilterValuesSayWhatIsWrong(text: String, message: String) {
        #expect(throws: SearchQueryError.self) { try SearchQuery(text) }
        do { _ = try SearchQuery(text) } catch { #expect(error.description == message) }
    }

    @Test(arguments: [
        (#"unclosed "quote"#, [SearchQuery.Term.word("unclosed"), .phrase("quote")], [String]()),
        ("NOT AND OR (", [.word("NOT"), .word("AND"), .word("OR")], ["("]),
        ("***", [], ["***"]),
        ("foo:bar", [.word("foo:bar")], []),
        ("-", [], ["-"]),
        ("\"\"", [], ["\"\""]),
        ("a\"b", [.word("a\"b")], []),
        ("—– …", [], ["—–", "…"]),
        ("🙂 emoji", [.word("emoji")], ["🙂"]),
        ("SELECT * FROM paper; --", [.word("SELECT"), .word("FROM"), .word("paper;")], ["*", "--"]),
    ])
    func anyOtherTextParsesIntoWordsAndPhrases(text: String, terms: [SearchQuery.Term], ignored: [String]) throws {
        let query = try SearchQuery(text)
        #expect(query.terms == terms)
        #expect(query.ignoredTerms == ignored, "terms with no letter or digit are set aside, and said so")
        #expect(query.tags.isEmpty && query.statuses.isEmpty && query.excludedTerms.isEmpty)
    }

    @Test func aQuotedTagValueIsOneTag() throws {
        #expect(try SearchQuery("tag:\"deep learning\"").tags == [try TagName("deep learning")])
    }

    @Test func unknownKeysAreWordsAndPunctuationOnlyTermsAreDropped() throws {
        let query = try SearchQuery("foo:bar *** -")
        #expect(query.terms == [.word("foo:bar")])
    }
}
