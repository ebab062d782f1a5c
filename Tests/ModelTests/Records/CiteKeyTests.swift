import Model
import Testing

@Suite("Citation keys")
struct CiteKeyTests {
    @Test func aKeyIsFamilyNameYearAndFirstSignificantTitleWord() {
        #expect(CiteKey.base(authors: ["Ashish Vaswani", "Noam Shazeer"], year: 2017, title: "Attention Is All You Need") == "vaswani2017attention")
        #expect(CiteKey.base(authors: ["Kurt Gödel"], year: 1931, title: "On the Formally Undecidable Propositions") == "godel1931formally")
        #expect(CiteKey.base(authors: ["Vaswani, Ashish"], year: nil, title: "The $f$-Divergence of 3D Scenes") == "vaswanif")
        #expect(CiteKey.base(authors: [], year: 2024, title: "") == "anon2024")
        #expect(CiteKey.base(authors: ["李 明"], year: 2024, title: "大模型") == "anon2024")
    }

    @Test func takenKeysAreMadeUniqueWithLetterSuffixes() {
        #expect(Array(CiteKey.candidates(for: "k").prefix(4)) == ["k", "ka", "kb", "kc"])
        let many = Array(CiteKey.candidates(for: "k").prefix(30))
        #expect(many[26] == "kz" && many[27] == "kaa" && many[28] == "kab")
        #expect(Set(CiteKey.candidates(for: "k").prefix(2000)).count == 2000)
    }

    @Test func sourceKeysAreKeptOnlyWhenEveryToolAcceptsThem() {
        #expect(CiteKey.isUsable("Vaswani2017:attention-is_all.you+need/v1"))
        // Calibre's keys run to more than a hundred characters.
        #expect(CiteKey.isUsable("BielefeldtHeiner-RechtenationalerMinderheiten:ethischeBegrundungrechtlicheVerankerungundhistorischeErfahrung"))
        for good in ["o'neil2020", "Smith:2020!", "doe[2019]", "a@b", "x&y", "k*", "a;b", "a<b>", "a|b", "a?b", "a$b", "a^b"] {
            #expect(CiteKey.isUsable(good), "\(good)")
        }
        for bad in ["", "a b", "a,b", "a{b}", "a%b", "a#b", "müller2020", "a\"b", "a\\b", "a=b", "a~b", "a(b)", "a\tb",
                    String(repeating: "k", count: 251)] {
            #expect(!CiteKey.isUsable(bad), "\(bad)")
        }
    }
}

@Suite("Drafts completed from a lookup")
struct DraftFillingTests {
    @Test func whatTheUserTypedWinsAndTheRestIsFetched() throws {
        var typed = PaperDraft(title: "My title for it")
        typed.arxiv = ArXivID("1706.03762")
        typed.tags = [try TagName("to-read")]
        var fetched = PaperDraft(title: "Attention Is All You Need", authors: ["Ashish Vaswani"], abstract: "The dominant models.")
        fetched.arxiv = ArXivID("1706.03762v7")
        fetched.categories = ["cs.CL"]
        fetched.year = 2017
        let merged = typed.filled(from: fetched)
        #expect(merged.title == "My title for it")
        #expect(merged.authors == ["Ashish Vaswani"] && merged.abstract == "The dominant models." && merged.year == 2017)
        #expect(merged.arxiv == ArXivID("1706.03762v7"), "the fetched version completes the typed id")
        let toRead = try TagName("to-read")
        #expect(merged.categories == ["cs.CL"] && merged.tags == [toRead])
        var other = typed
        other.arxiv = ArXivID("2405.21060")
        #expect(other.filled(from: fetched).arxiv == ArXivID("2405.21060"), "another paper's id never replaces the typed one")
    }
}
