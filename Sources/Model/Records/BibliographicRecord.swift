/// A paper or a draft of one: what both say of their author list.
///
/// BibTeX's `and others` (and CSL's `others` literal, RIS's `et al.`) says that the
/// list of authors goes on beyond the names given. It is not a name: lists show
/// it as "et al." and each format writes it its own way, so it is kept as a mark
/// beside the names (in ``bibFields``, under a name no format's field can have).
public protocol BibliographicRecord {
    /// The author names, as lists show them.
    var authors: [String] { get }
    /// The other bibliographic fields (``Paper/bibFields``).
    var bibFields: [String: String] { get set }
}

extension BibliographicRecord {
    /// Whether the authors go on beyond the names given (BibTeX's `and others`).
    public var hasMoreAuthors: Bool {
        get { bibFields[moreAuthorsMark] == "true" }
        set { bibFields[moreAuthorsMark] = newValue ? "true" : nil }
    }

    /// The authors as a list shows them: the names, then "et al." when the list goes on.
    ///
    /// ```swift
    /// paper.authorsForDisplay.joined(separator: ", ")   // "Ashish Vaswani, Noam Shazeer, et al."
    /// ```
    public var authorsForDisplay: [String] { hasMoreAuthors ? authors + ["et al."] : authors }
}

/// `@` starts no field name in BibTeX, BibLaTeX, CSL or RIS.
private let moreAuthorsMark = "@moreauthors"

extension Paper: BibliographicRecord {}
extension PaperDraft: BibliographicRecord {}
