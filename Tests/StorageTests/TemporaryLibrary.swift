import Foundation
import Model
@testable import Storage
@_exported import TestSupport

func draft(_ title: String, arxiv: String? = nil, abstract: String? = nil, authors: [String] = []) -> PaperDraft {
    var d = PaperDraft(title: title, authors: authors, abstract: abstract)
    d.arxiv = arxiv.flatMap(ArXivID.init)
    return d
}
