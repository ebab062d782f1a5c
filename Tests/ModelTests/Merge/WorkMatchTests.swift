import Foundation
import Model
import Testing

@Suite("Which descriptions are one work")
struct WorkMatchTests {
    @Test func aSharedIdentifierIsOneWorkWhateverTheTitles() {
        let preprint = WorkFacts(title: "Attention is all you need", authors: ["Vaswani, Ashish"], year: 2017, arxiv: "1706.03762")
        let renamed = WorkFacts(title: "Transformers", authors: ["Noam Shazeer"], year: 2018, arxiv: "1706.03762")
        #expect(WorkMatch(preprint, renamed) == .same(.arxiv))
        let a = WorkFacts(title: "One", doi: "10.1000/ABC"), b = WorkFacts(title: "Two", doi: "10.1000/abc")
        #expect(WorkMatch(a, b) == .same(.doi))
    }

    @Test func theSameTitleByAnotherFirstAuthorOrInAnotherYearIsANearMatch() {
        let lecun = WorkFacts(title: "Deep Learning", authors: ["LeCun, Yann", "Bengio, Yoshua"], year: 2015)
        let goodfellow = WorkFacts(title: "Deep learning.", authors: ["Ian Goodfellow"], year: 2016)
        #expect(WorkMatch(goodfellow, lecun) == .near([.firstAuthor("Goodfellow", "LeCun"), .year(2016, 2015)]))
        let kullback = WorkFacts(title: "Information Theory and Statistics", authors: ["Kullback, Solomon"], year: 1959)
        let reprint = WorkFacts(title: "Information theory and statistics", authors: ["S. Kullback"], year: 1997)
        #expect(WorkMatch(reprint, kullback) == .near([.year(1997, 1959)]))
        let otherPreprint = WorkFacts(title: "Deep Learning", authors: ["LeCun, Yann"], year: 2015, arxiv: "1111.11111")
        let withArxiv = WorkFacts(title: "Deep Learning", authors: ["LeCun, Yann"], year: 2015, arxiv: "2222.22222")
        #expect(WorkMatch(otherPreprint, withArxiv) == .near([.arxiv("1111.11111", "2222.22222")]))
    }

    @Test func whatOnlyOneSideStatesDoesNotKeepThemApart() {
        let listed = WorkFacts(title: "Attention Is All You Need")
        let full = WorkFacts(title: "Attention is all you need", authors: ["Ashish Vaswani"], year: 2017, doi: "10.48550/arxiv.1706.03762")
        #expect(WorkMatch(listed, full) == .same(.title))
        #expect(WorkMatch(full, listed) == .same(.title))
        let accents = WorkFacts(title: "Über Schrödinger", authors: ["Gödel, Kurt"], year: 1931)
        let plain = WorkFacts(title: "Uber Schrodinger", authors: ["Kurt Godel"], year: 1931)
        #expect(WorkMatch(accents, plain).isSame)
        #expect(WorkMatch(WorkFacts(title: ""), WorkFacts(title: "")) == .distinct, "no title, no identifier: nothing to match on")
        #expect(WorkMatch(WorkFacts(title: "A"), WorkFacts(title: "B")) == .distinct)
    }

    @Test func keysKeepEntriesOfOneFileApartButNotEntriesOfTwoFiles() {
        let first = WorkFacts(title: "Deep Learning", authors: ["LeCun, Yann"], year: 2015, citeKey: "lecun2015")
        let second = WorkFacts(title: "Deep Learning", authors: ["LeCun, Yann"], year: 2015, citeKey: "LeCun:DL")
        #expect(WorkMatch(second, first, sameFile: true) == .near([.citeKey("LeCun:DL", "lecun2015")]))
        #expect(WorkMatch(second, first) == .same(.title))
        let sameKey = WorkFacts(title: "Deep Learning", authors: ["LeCun, Yann"], year: 2015, citeKey: "LECUN2015")
        #expect(WorkMatch(sameKey, first, sameFile: true) == .same(.title), "keys compare without case, as BibTeX does")
        var shared = second
        shared.doi = "10.1038/nature14539"
        var sharedFirst = first
        sharedFirst.doi = "10.1038/nature14539"
        #expect(WorkMatch(shared, sharedFirst, sameFile: true) == .same(.doi), "a shared identifier merges even two keys of one file")
    }

    @Test func aDistinctWorksIdIsDerivedFromTheTitleIdTheYearAndTheKey() {
        let base = StableID.paper(title: "Information Theory and Statistics", firstAuthor: "Kullback, Solomon")
        let reprint = StableID.paper(distinctFrom: base, year: 1997, citeKey: "kullback:reprint")
        #expect(reprint != base)
        #expect(reprint == StableID.paper(distinctFrom: base, year: 1997, citeKey: "Kullback:Reprint"), "the same on every machine, keys without case")
        #expect(reprint != StableID.paper(distinctFrom: base, year: 1998, citeKey: "kullback:reprint"))
        #expect(reprint != StableID.paper(distinctFrom: base, year: 1997, citeKey: "kullback:reprint", attempt: 2))
        #expect(reprint.uuidString.lowercased() == StableID.uuid5(namespace: StableID.namespace,
            name: "work:" + base.uuidString.lowercased() + "\u{1F}1997\u{1F}kullback:reprint").uuidString.lowercased(), "the name docs/sync-protocol.md gives")
    }
}

extension WorkMatchTests {
    @Test func untitledEntriesAreOneWorkOnlyUnderOneKey() {
        let entry = WorkFacts(title: "", authors: ["Knuth, Donald"], year: 1984, citeKey: "knuth:tb")
        #expect(WorkMatch(entry, WorkFacts(title: "", authors: ["D. Knuth"], year: 1984, citeKey: "KNUTH:TB")) == .same(.title))
        #expect(WorkMatch(entry, WorkFacts(title: "", authors: ["Knuth, Donald"], year: 1984, citeKey: "knuth:other")) == .distinct)
        #expect(WorkMatch(entry, WorkFacts(title: "", year: 1984)) == .distinct)
        #expect(WorkMatch(entry, WorkFacts(title: "", year: 1990, citeKey: "knuth:tb")) == .near([.year(1984, 1990)]))
    }
}
