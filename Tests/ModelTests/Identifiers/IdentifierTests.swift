import Foundation
import Model
import Testing

@Suite("arXiv ids")
struct ArXivIDTests {
    @Test(arguments: [
        ("2405.12345", "2405.12345", nil),
        ("2405.12345v3", "2405.12345", 3),
        ("arXiv:2405.12345", "2405.12345", nil),
        ("ARXIV:2405.12345v1", "2405.12345", 1),
        ("https://arxiv.org/abs/2405.12345v2", "2405.12345", 2),
        ("https://arxiv.org/pdf/2405.12345.pdf", "2405.12345", nil),
        ("http://www.arxiv.org/pdf/2405.12345v4.pdf", "2405.12345", 4),
        ("https://export.arxiv.org/abs/0704.0001", "0704.0001", nil),
        ("hep-th/9901001", "hep-th/9901001", nil),
        ("hep-th/9901001v2", "hep-th/9901001", 2),
        ("arXiv:math.GT/0309136", "math.GT/0309136", nil),
        ("https://arxiv.org/abs/cond-mat/0102536v1", "cond-mat/0102536", 1),
        ("  2405.12345  ", "2405.12345", nil),
    ] as [(String, String, Int?)])
    func parsesEveryCommonForm(text: String, id: String, version: Int?) throws {
        let parsed = try #require(ArXivID(text))
        #expect(parsed.id == id)
        #expect(parsed.version == version)
    }

    @Test(arguments: ["2405.123", "2413.12345", "24051.2345", "hep-th/990100", "10.1234/abc", "https://example.org/abs/2405.12345", "arxiv", "", "2405.12345vx"])
    func rejectsWhatIsNotAnArXivID(text: String) {
        #expect(ArXivID(text) == nil)
    }
}

@Suite("DOIs")
struct DOITests {
    @Test(arguments: [
        ("10.1234/ABC", "10.1234/abc"),
        ("doi:10.1145/3442188.3445922", "10.1145/3442188.3445922"),
        ("DOI: 10.1145/3442188.3445922", "10.1145/3442188.3445922"),
        ("https://doi.org/10.1038/NATURE14539", "10.1038/nature14539"),
        ("http://dx.doi.org/10.1000/xyz%28123%29", "10.1000/xyz(123)"),
        ("http://doi.acm.org/10.1145/1327452.1327492", "10.1145/1327452.1327492"),
        ("10/B8TV", "10/b8tv"), ("https://doi.org/10/b8tv", "10/b8tv"), ("doi:10/aabbe", "10/aabbe"),
    ])
    func normalizesToLowerCase(text: String, value: String) throws {
        #expect(try #require(DOI(text)).value == value)
    }

    @Test func keepsTheCaseItWasWrittenInAndComparesWithoutIt() throws {
        let given = try #require(DOI("https://doi.org/10.1103/PhysRevLett.116.061102"))
        #expect(given.written == "10.1103/PhysRevLett.116.061102")
        #expect(given.description == "10.1103/PhysRevLett.116.061102")
        #expect(given == DOI("10.1103/physrevlett.116.061102"))
        #expect(Set([given, try #require(DOI("doi:10.1103/PHYSREVLETT.116.061102"))]).count == 1)
    }

    @Test(arguments: ["10.12/abc", "11.1234/abc", "10.1234/", "https://example.org/10.1234/abc", "10.1234/a b", "10/", "10/a-b"])
    func rejectsWhatIsNotADOI(text: String) {
        #expect(DOI(text) == nil)
    }
}

@Suite("Stable ids")
struct StableIDTests {
    @Test func uuid5MatchesTheRFCAlgorithm() {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
        let dns = UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!
        #expect(StableID.uuid5(namespace: dns, name: "python.org").lowercased == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
    }

    @Test func aPaperGetsTheSameIdFromEveryFormOfItsIdentifier() {
        let forms = ["2405.12345", "2405.12345v3", "arXiv:2405.12345", "https://arxiv.org/abs/2405.12345v2", "https://arxiv.org/pdf/2405.12345.pdf"]
        let ids = Set(forms.map { Paper.stableID(arxiv: ArXivID($0), doi: nil, title: "anything \($0)", authors: []) })
        #expect(ids.count == 1)
        #expect(StableID.paper(.doi(DOI("10.1234/ABC")!)) == StableID.paper(.doi(DOI("https://doi.org/10.1234/abc")!)))
    }

    @Test func titleIdsIgnoreCaseAccentsAndPunctuationAndUseTheFamilyName() {
        let a = StableID.paper(title: "Attention Is All You Need", firstAuthor: "Ashish Vaswani")
        let b = StableID.paper(title: "attention is all you need!", firstAuthor: "Vaswani, A.")
        let c = StableID.paper(title: "Attention Is All You Need", firstAuthor: "Noam Shazeer")
        #expect(a == b)
        #expect(a != c)
        #expect(StableID.paper(title: "Café au lait", firstAuthor: nil) == StableID.paper(title: "CAFE AU LAIT", firstAuthor: nil))
    }

    @Test func tagAndMembershipIdsAreDeterministic() throws {
        let ml = try TagName("ML")
        #expect(StableID.tag(ml) == StableID.tag(try TagName(" ml ")))
        let paper = StableID.paper(.arxiv(ArXivID("2405.12345")!))
        #expect(StableID.paperTag(paper: paper, tag: StableID.tag(ml)) == StableID.paperTag(paper: paper, tag: StableID.tag(ml)))
        #expect(StableID.paperTag(paper: paper, tag: StableID.tag(ml)) != StableID.paperTag(paper: paper, tag: StableID.tag(try TagName("nlp"))))
    }

    @Test func uuid7IsTimeOrderedWithVersionAndVariant() {
        var generator = SystemRandomNumberGenerator()
        let early = StableID.uuid7(millis: 1_732_660_000_000, using: &generator)
        let late = StableID.uuid7(millis: 1_732_660_000_001, using: &generator)
        #expect(early.lowercased < late.lowercased)
        #expect(early.lowercased.hasPrefix("0193"))
        let text = Array(early.lowercased)
        #expect(text[14] == "7")
        #expect("89ab".contains(text[19]))
    }
}
