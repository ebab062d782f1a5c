import Interchange
import Model
import Storage

/// Prints papers as they are now, as a JSON array of paper details.
func printPapers(_ papers: [Paper], from store: Library) throws {
    Render.json(.array(try papers.compactMap { try store.detail($0.id) }.map(PaperJSON.detail)))
}
