import Foundation
import Interchange
import Model
import Storage

extension Render {
    /// The near matches of an import, at most 20 of them, then where to see the rest.
    static func nearMatches(_ matches: [NearMatch], file: String) -> String {
        let count = matches.count
        var lines = ["Kept \(count) entr\(count == 1 ? "y" : "ies") apart from a paper with the same title (`reader duplicates` lists them, `reader duplicates merge KEEP OTHER` merges two):"]
        for match in matches.prefix(20) {
            let place = file + (match.line.map { ":\($0)" } ?? "")
            let key = match.citeKey.map { " \($0)" } ?? ""
            let other = match.paperCiteKey ?? shortID(match.paperID)
            lines.append("  \(place)\(key) \"\(match.title)\": \(match.differences.map(\.description).joined(separator: ", ")) (kept apart from \(other))")
        }
        if count > 20 { lines.append("  … and \(count - 20) more") }
        return lines.joined(separator: "\n")
    }

    /// A near match in `import --json` (docs/json.md).
    static func nearMatchJSON(_ match: NearMatch) -> JSONValue {
        .object([
            "title": .string(match.title),
            "line": match.line.map { .int(Int64($0)) } ?? .null,
            "cite_key": match.citeKey.map(JSONValue.string) ?? .null,
            "paper_id": .string(match.paperID.lowercased),
            "paper_title": .string(match.paperTitle),
            "paper_cite_key": match.paperCiteKey.map(JSONValue.string) ?? .null,
            "differences": .array(match.differences.map { .string($0.description) }),
        ])
    }

    /// One group of `reader duplicates`: what the papers share, then each paper
    /// with its key, first author and what tells it apart from the first.
    static func duplicateGroup(_ group: DuplicateGroup) -> String {
        let shared: String
        switch group.shared {
        case .title: shared = "same title"
        case .doi: shared = "same DOI " + (group.papers.first?.doi?.written ?? "")
        case .arxiv: shared = "same arXiv id " + (group.papers.first?.arxiv?.id ?? "")
        }
        var lines = [term.bold(group.papers.first?.displayTitle ?? "") + term.dim("  (\(shared))")]
        let differences = [[]] + group.differences
        for (paper, difference) in zip(group.papers, differences) {
            var line = "  " + term.dim(shortID(paper.id)) + "  " + (paper.citeKey ?? "-")
            if let author = paper.authors.first { line += "  " + PersonName.familyName(of: author) }
            if let year = paper.year { line += " \(year)" }
            if !difference.isEmpty { line += term.dim("  (" + difference.map(\.description).joined(separator: ", ") + ")") }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
