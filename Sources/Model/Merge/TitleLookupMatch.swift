/// Whether a paper found by its title (on arXiv) is the paper in the library: the
/// one rule `reader refresh` and `reader fetch` use before they give a paper
/// without identifiers an arXiv id.
///
/// Both the title and the abstract must match closely: a title alone is not an
/// identity (two papers can share one, and a search by title returns the papers
/// whose titles share words). Each is compared as the Dice coefficient of its set
/// of words, folded as search folds them (case, accents, punctuation), so that
/// line breaks, LaTeX spacing and Markdown emphasis do not count.
///
/// The thresholds are measured on real pairs (`TitleLookupMatchTests`): each of
/// the 97 abstracts of the bundled listing against itself as arXiv's API lays it
/// out, and against every other abstract of the listing (4,656 pairs of different
/// papers, many on the same subject).
///
/// ```swift
/// TitleLookupMatch.judge(title: t, abstract: a, candidateTitle: t2, candidateAbstract: a2)
/// // .accept(title: 1.0, abstract: 0.98)
/// ```
public enum TitleLookupMatch {
    /// The least title similarity of a match.
    public static let titleThreshold = 0.9
    /// The least abstract similarity of a match.
    public static let abstractThreshold = 0.8
    /// Below both of these, a candidate is another paper, not worth reporting.
    static let nearTitle = 0.6, nearAbstract = 0.5

    /// What a candidate is to the paper.
    public enum Verdict: Hashable, Sendable {
        /// The same paper: title and abstract both match.
        case accept(title: Double, abstract: Double)
        /// Close but not sure (a similar title with another abstract, or no abstract
        /// to compare): reported, never merged.
        case nearMiss(title: Double, abstract: Double?)
        /// Another paper.
        case unrelated
    }

    /// Judges a candidate against the paper's title and abstract.
    public static func judge(title: String, abstract: String?, candidateTitle: String, candidateAbstract: String?) -> Verdict {
        let titleScore = similarity(title, candidateTitle)
        guard let abstract, !abstract.isEmpty, let candidateAbstract, !candidateAbstract.isEmpty else {
            return titleScore >= titleThreshold ? .nearMiss(title: titleScore, abstract: nil) : .unrelated
        }
        let abstractScore = similarity(abstract, candidateAbstract)
        if titleScore >= titleThreshold, abstractScore >= abstractThreshold { return .accept(title: titleScore, abstract: abstractScore) }
        if titleScore >= nearTitle || abstractScore >= nearAbstract { return .nearMiss(title: titleScore, abstract: abstractScore) }
        return .unrelated
    }

    /// The Dice coefficient of the two texts' sets of folded words: 1 for the same
    /// words in any layout, 0 for no word in common.
    public static func similarity(_ a: String, _ b: String) -> Double {
        let left = words(a), right = words(b)
        guard !left.isEmpty || !right.isEmpty else { return 1 }
        return 2 * Double(left.intersection(right).count) / Double(left.count + right.count)
    }

    static func words(_ text: String) -> Set<Substring> {
        Set(TextNormalization.matchKey(text).split(separator: " "))
    }
}
