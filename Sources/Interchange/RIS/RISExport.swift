import Model

/// Writes papers as RIS records, for EndNote, Zotero, Mendeley and rispy.
///
/// Each record: `TY` (`JOUR` with a venue, `UNPB` for an arXiv preprint, else
/// `GEN`), `ID` (the citation key), `TI`, one `AU` per author (`Family, Given[, Suffix]`, an organisation as written),
/// `PY` and `DA` (`2024/05/30`), `T2` venue, `DO`, `UR`, `L1` PDF link, `AB`,
/// one `KW` per tag, and an arXiv id as `AN  - arXiv:…` with `DB  - arXiv`. RIS
/// holds one line per field: line breaks inside a value become spaces.
public struct RISExport<Output: TextOutput> {
    /// Where the records go.
    public private(set) var output: Output

    /// Creates an export that writes to `output`.
    public init(output: Output) {
        self.output = output
    }

    /// Writes one paper's record under `key`.
    public mutating func write(_ detail: PaperDetail, key: String) {
        let p = detail.paper
        var record = ""
        func line(_ tag: String, _ value: String?) {
            guard let value else { return }
            // Stored text is already NFC: only line breaks (RIS has one line per field) need care.
            let clean = value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) ? TextNormalization.collapsingWhitespace(value) : value
            if !clean.isEmpty { record += tag + "  - " + clean + "\r\n" }
        }
        line("TY", p.workType.map(RIS.risType(for:)) ?? (p.venue != nil ? "JOUR" : p.arxiv != nil ? "UNPB" : "GEN"))
        line("ID", key)
        line("TI", p.title)
        for name in p.names { line("AU", RIS.risName(name)) }
        if p.hasMoreAuthors { line("AU", RIS.moreNames) }
        line("PY", p.year.map(String.init))
        if let published = p.published, published.count > 4 {
            line("DA", published.replacingOccurrences(of: "-", with: "/"))
        }
        line("T2", p.venue)
        if let pages = p.pages {
            let range = pages.split(whereSeparator: { $0 == "–" || $0 == "-" }).map(String.init)
            line("SP", range.first ?? pages)
            if range.count == 2 { line("EP", range[1]) }
        }
        for field in BibliographicField.all {
            guard let tag = field.ris, let value = p.bibFields[field.name] else { continue }
            if field.isNameList {
                for name in BibTeXName.names(value) { line(tag, RIS.risName(name)) }
                if BibTeXName.endsWithOthers(value) { line(tag, RIS.moreNames) }
            } else {
                line(tag, BibliographicField.text(value))
            }
        }
        if p.bibFields["isbn"] == nil, let issn = p.bibFields["issn"] { line("SN", BibliographicField.text(issn)) }
        if p.bibFields["publisher"] == nil, let institution = p.bibFields["institution"] { line("PB", BibliographicField.text(institution)) }
        // Mendeley and JabRef write a journal's issue as `issue`, not `number`.
        if p.bibFields["number"] == nil, let issue = p.bibFields["issue"] { line("IS", BibliographicField.text(issue)) }
        line("DO", p.doi?.written)
        line("UR", p.url)
        line("L1", p.pdfURL)
        if let arxiv = p.arxiv {
            line("AN", "arXiv:" + arxiv.description)
            line("DB", "arXiv")
        }
        for tag in detail.tags { line("KW", tag.value) }
        line("AB", p.abstract)
        record += "ER  - \r\n\r\n"
        output.write(record)
    }

    /// The output, when every record is written.
    public mutating func finish() -> Output { output }
}

extension RIS {
    /// The last `AU` of a list that goes on (BibTeX's `and others`): RIS has no
    /// word of its own for it, and `et al.` is what its readers print.
    static let moreNames = "et al."

    /// `Family, Given` or `Family, Given, Suffix`, the particles with the family
    /// name (`van den Heuvel, Charles`); an organisation's name as it is.
    static func risName(_ name: PersonName) -> String {
        if let literal = name.literal { return literal }
        let family = [name.droppingParticle, name.particle, name.family].filter { !$0.isEmpty }.joined(separator: " ")
        guard !name.given.isEmpty || !name.suffix.isEmpty else { return family }
        return family + ", " + name.given + (name.suffix.isEmpty ? "" : ", " + name.suffix)
    }
}

extension RISExport: PaperWriter {}

extension ExportFormat {
    /// RIS, for EndNote, Mendeley and most reference managers.
    public static let ris = ExportFormat(name: "ris", needsCitationKeys: true, needsAnnotations: false, writers: RISWriters())
}

struct RISWriters: PaperWriterFactory {
    func writer(to output: FileOutput) -> any PaperWriter<FileOutput> { RISExport(output: output) }
}
