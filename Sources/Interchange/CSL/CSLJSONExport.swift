import Model

/// Writes papers as a CSL-JSON array, one item per line, for pandoc, citeproc
/// and reference managers.
///
/// Each item has its citation key as `id` and `citation-key`, `title`, `author`
/// (`family`, `given`, particles and `suffix`, or `literal` for an organisation), `issued`
/// (`date-parts`, as precise as known), `DOI`, `URL`, `abstract`,
/// `container-title` and tags as `keyword`. An arXiv preprint is typed `article`
/// with `publisher: "arXiv"` and the id as `number`, as CSL 1.0.2 recommends for
/// preprints; a paper with a venue is `article-journal` and keeps its arXiv id in
/// `archive`/`archive_location`. Keys are sorted, so the output is byte-stable.
public struct CSLJSONExport<Output: TextOutput> {
    /// Where the array goes.
    public private(set) var output: Output
    private var count = 0

    /// Creates an export that writes to `output`.
    public init(output: Output) {
        self.output = output
    }

    /// Writes one paper's item under `key`.
    public mutating func write(_ detail: PaperDetail, key: String) {
        output.write((count == 0 ? "[\n" : ",\n") + CSLJSON.item(detail, key: key).canonicalJSON)
        count += 1
    }

    /// Closes the array and returns the output.
    public mutating func finish() -> Output {
        output.write(count == 0 ? "[]\n" : "\n]\n")
        return output
    }
}

extension CSLJSON {
    /// The CSL-JSON item for a paper.
    static func item(_ detail: PaperDetail, key: String) -> JSONValue {
        let p = detail.paper
        var item: [String: JSONValue] = ["id": .string(key), "citation-key": .string(key), "title": .string(p.title)]
        func put(_ name: String, _ text: String?) {
            if let text, !text.isEmpty { item[name] = .string(text) }
        }
        item["type"] = .string(p.workType?.rawValue ?? (p.venue != nil ? "article-journal" : "article"))
        for field in BibliographicField.all {
            guard let variable = field.csl, let value = p.bibFields[field.name] else { continue }
            if field.isNameList {
                item[variable] = cslNames(BibTeXName.names(value), more: BibTeXName.endsWithOthers(value))
            } else {
                put(field.name == "number" && p.workType == .report ? "number" : variable, BibliographicField.text(value))
            }
        }
        if item["publisher"] == nil, let institution = p.bibFields["institution"] { put("publisher", BibliographicField.text(institution)) }
        // Mendeley and JabRef write a journal's issue as `issue`, not `number`.
        if item["issue"] == nil, p.workType != .report, let issue = p.bibFields["issue"] { put("issue", BibliographicField.text(issue)) }
        if !p.authors.isEmpty { item["author"] = cslNames(p.names, more: p.hasMoreAuthors) }
        if let parts = dateParts(published: p.published, year: p.year) {
            item["issued"] = .object(["date-parts": .array([.array(parts.map { .int(Int64($0)) })])])
        }
        put("DOI", p.doi?.written)
        put("URL", p.url)
        put("abstract", p.abstract)
        put("container-title", p.venue)
        put("page", p.pages)
        if let arxiv = p.arxiv {
            if p.venue == nil {
                put("publisher", "arXiv")
                put("number", arxiv.description)
            } else {
                put("archive", "arXiv")
                put("archive_location", arxiv.description)
            }
        }
        if !detail.tags.isEmpty { put("keyword", detail.tags.map(\.value).joined(separator: ", ")) }
        return .object(item)
    }

    /// CSL names, then `{"literal": "others"}` when the list goes on: pandoc writes
    /// BibTeX's `and others` so, and its citeproc prints "et al." for it.
    static func cslNames(_ names: [PersonName], more: Bool) -> JSONValue {
        .array(names.map(cslName) + (more ? [.object(["literal": .string("others")])] : []))
    }

    /// A CSL name: `literal` for an organisation, else its parts by CSL's names.
    static func cslName(_ name: PersonName) -> JSONValue {
        if let literal = name.literal { return .object(["literal": .string(literal)]) }
        var object: [String: JSONValue] = ["family": .string(name.family)]
        for (key, value) in [("given", name.given), ("non-dropping-particle", name.particle),
                             ("dropping-particle", name.droppingParticle), ("suffix", name.suffix)] where !value.isEmpty {
            object[key] = .string(value)
        }
        return .object(object)
    }

    /// `[2024, 5, 30]` from `2024-05-30`, as many parts as known.
    static func dateParts(published: String?, year: Int?) -> [Int]? {
        if let published {
            let parts = published.split(separator: "-").compactMap { Int($0) }
            if let first = parts.first, (1000...9999).contains(first) { return Array(parts.prefix(3)) }
        }
        return year.map { [$0] }
    }
}

extension CSLJSONExport: PaperWriter {}

extension ExportFormat {
    /// CSL-JSON, for pandoc's citeproc and Zotero.
    public static let cslJSON = ExportFormat(name: "csl-json", needsCitationKeys: true, needsAnnotations: false, writers: CSLJSONWriters())
}

struct CSLJSONWriters: PaperWriterFactory {
    func writer(to output: FileOutput) -> any PaperWriter<FileOutput> { CSLJSONExport(output: output) }
}
