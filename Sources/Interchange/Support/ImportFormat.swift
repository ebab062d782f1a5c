/// The formats `reader import` reads.
public enum ImportFormat: String, CaseIterable, Sendable {
    /// The pasted papers listing (see ``PapersListing``).
    case listing
    /// reader's own JSON backup (see ``ReaderBackup``).
    case json
    /// BibTeX or BibLaTeX (see ``BibTeX``).
    case bibtex
    /// The Hugging Face daily papers JSON (see ``DailyPapers``).
    case hfDaily = "hf-daily"
    /// CSL-JSON, as Zotero exports it (see ``CSLJSON``).
    case csl = "csl-json"
    /// RIS (see ``RIS``).
    case ris
    /// The arXiv API's Atom feed (see ``ArXivAtom``).
    case arxivAtom = "arxiv-atom"

    /// The format of `text`, judged by its content; nil when none fits.
    public static func detect(_ text: String) -> ImportFormat? {
        if ReaderBackup.looksLikeBackup(text) { return .json }
        if DailyPapers.looksLikeDailyPapers(text) { return .hfDaily }
        if CSLJSON.looksLikeCSL(text) { return .csl }
        if RIS.looksLikeRIS(text) { return .ris }
        if ArXivAtom.looksLikeAtom(text) { return .arxivAtom }
        if BibTeX.looksLikeBibTeX(text) { return .bibtex }
        if PapersListing.looksLikeListing(text) { return .listing }
        return nil
    }
}
