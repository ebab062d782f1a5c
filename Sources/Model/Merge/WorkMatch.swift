/// Whether two descriptions of papers are one work: the rule every import, `reader
/// add` and `reader duplicates` asks before merging, so that distinct works are
/// never merged.
///
/// Two descriptions are one work when they share an identifier (arXiv id or DOI),
/// or when their titles match (or, both untitled, their keys) and nothing they both
/// state differs: the first
/// author's family name, the year, the identifiers, and, for two entries of the
/// same file, their citation keys (a bibliography that gives two keys means two
/// works). A matching title with such a difference is a near match: reported,
/// never merged.
///
/// ```swift
/// let lecun = WorkFacts(title: "Deep Learning", authors: ["LeCun, Yann"], year: 2015)
/// let goodfellow = WorkFacts(title: "Deep learning", authors: ["Ian Goodfellow"], year: 2016)
/// WorkMatch(lecun, goodfellow)  // .near([.firstAuthor("LeCun", "Goodfellow"), .year(2015, 2016)])
/// ```
public enum WorkMatch: Hashable, Sendable {
    /// One work: merge.
    case same(WorkMatch.Reason)
    /// The same title, but these differences say two works.
    case near([WorkDifference])
    /// Nothing in common.
    case distinct

    /// Why two descriptions are one work.
    public enum Reason: Hashable, Sendable {
        case arxiv, doi, title
    }

    /// Compares an incoming description with an existing one. With `sameFile`,
    /// both come from one file, and different citation keys keep them apart.
    public init(_ incoming: WorkFacts, _ existing: WorkFacts, sameFile: Bool = false) {
        if let a = incoming.arxiv, a == existing.arxiv { self = .same(.arxiv); return }
        if let a = incoming.doi, let b = existing.doi, a.lowercased() == b.lowercased() { self = .same(.doi); return }
        guard incoming.titleKey == existing.titleKey else { self = .distinct; return }
        // With no title and no identifier (a BibTeX entry bibtex keeps untitled), only
        // the key names the work.
        if incoming.titleKey.isEmpty {
            guard let a = incoming.citeKey, let b = existing.citeKey, a.lowercased() == b.lowercased() else { self = .distinct; return }
        }
        var differences: [WorkDifference] = []
        if let a = incoming.arxiv, let b = existing.arxiv { differences.append(.arxiv(a, b)) }
        if let a = incoming.doi, let b = existing.doi { differences.append(.doi(a, b)) }
        if let a = incoming.firstFamily, let b = existing.firstFamily,
           TextNormalization.matchKey(a) != TextNormalization.matchKey(b) {
            differences.append(.firstAuthor(a, b))
        }
        if let a = incoming.year, let b = existing.year, a != b { differences.append(.year(a, b)) }
        // Two keys of one file tell two works apart (named only when nothing else does).
        if sameFile, differences.isEmpty, let a = incoming.citeKey, let b = existing.citeKey, a.lowercased() != b.lowercased() {
            differences.append(.citeKey(a, b))
        }
        self = differences.isEmpty ? .same(.title) : .near(differences)
    }

    /// Whether the two are one work.
    public var isSame: Bool {
        if case .same = self { true } else { false }
    }
}

/// One thing that tells two papers with the same title apart (incoming value first).
public enum WorkDifference: Hashable, Sendable, CustomStringConvertible {
    case arxiv(String, String)
    case doi(String, String)
    case firstAuthor(String, String)
    case year(Int, Int)
    case citeKey(String, String)

    /// For a terminal: `first author Goodfellow, not LeCun`.
    public var description: String {
        switch self {
        case .arxiv(let a, let b): "arXiv \(a), not \(b)"
        case .doi(let a, let b): "DOI \(a), not \(b)"
        case .firstAuthor(let a, let b): "first author \(a), not \(b)"
        case .year(let a, let b): "year \(a), not \(b)"
        case .citeKey(let a, let b): "key \(a), not \(b) in the same file"
        }
    }
}

/// What ``WorkMatch`` compares of a paper or a draft.
public struct WorkFacts: Hashable, Sendable {
    /// ``TextNormalization/matchKey(_:)`` of the title.
    public var titleKey: String
    /// The first author's family name, as written.
    public var firstFamily: String?
    public var year: Int?
    /// The arXiv id without version.
    public var arxiv: String?
    public var doi: String?
    /// The citation key the source gave (only compared within one file).
    public var citeKey: String?

    /// Facts from a description's fields.
    public init(title: String, authors: [String] = [], year: Int? = nil, arxiv: String? = nil, doi: String? = nil, citeKey: String? = nil) {
        self.titleKey = TextNormalization.matchKey(title)
        let family = authors.first.map(PersonName.familyName(of:)) ?? ""
        self.firstFamily = TextNormalization.matchKey(family).isEmpty ? nil : family
        self.year = year
        self.arxiv = arxiv
        self.doi = doi
        self.citeKey = citeKey
    }
}

extension PaperDraft {
    /// What ``WorkMatch`` compares of this draft.
    public var workFacts: WorkFacts {
        WorkFacts(title: title, authors: authors, year: year, arxiv: arxiv?.id, doi: doi?.value, citeKey: citeKey)
    }
}

extension Paper {
    /// What ``WorkMatch`` compares of this paper.
    public var workFacts: WorkFacts {
        WorkFacts(title: title, authors: authors, year: year, arxiv: arxiv?.id, doi: doi?.value, citeKey: citeKey)
    }
}
