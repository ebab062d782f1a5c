/// Something that names a paper on its own: an arXiv id or a DOI.
///
/// ```swift
/// PaperIdentifier("arXiv:2405.12345")  // .arxiv(2405.12345)
/// PaperIdentifier("doi:10.1/x")        // nil: registrant too short
/// ```
public enum PaperIdentifier: Hashable, Sendable, CustomStringConvertible {
    case arxiv(ArXivID)
    case doi(DOI)

    /// Parses any accepted arXiv or DOI form; arXiv wins when both could match.
    public init?(_ text: String) {
        if let arxiv = ArXivID(text) {
            self = .arxiv(arxiv)
        } else if let doi = DOI(text) {
            self = .doi(doi)
        } else {
            return nil
        }
    }

    /// The text form.
    public var description: String {
        switch self {
        case .arxiv(let id): "arXiv:\(id)"
        case .doi(let doi): "doi:\(doi)"
        }
    }
}
