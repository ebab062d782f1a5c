import ArgumentParser
import Interchange
import Model
import Storage

extension ReadingStatus: ExpressibleByArgument {
    /// Parses `text`; nil when it is not one.
    public init?(argument: String) { self.init(name: argument) }
}

/// Sets the status of papers and reports it; shared by `status` and the short verbs.
func setStatus(_ status: ReadingStatus, of references: [String], rating: Int?, library: LibraryOptions, json: Bool) throws {
    let store = try library.open()
    let papers = try references.map { try store.resolve($0) }
    for paper in papers {
        try store.setStatus(status, of: paper.id, rating: rating)
    }
    if json { return try printPapers(papers, from: store) }
    for detail in try papers.compactMap({ try store.detail($0.id) }) {
        print(Render.line(detail.paper, tags: detail.tags))
    }
}
