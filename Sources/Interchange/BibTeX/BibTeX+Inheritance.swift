extension BibTeX {
    /// Fields an entry never inherits (biber's list): they say what the entry is, not what it holds.
    static let notInherited: Set<String> = [
        "ids", "crossref", "xref", "entryset", "entrysubtype", "execute", "label", "options", "presort", "related",
        "relatedoptions", "relatedstring", "relatedtype", "shorthand", "shorthandintro", "sortkey", "xdata",
    ]

    /// Parents whose title is the book a child is part of.
    static let bookTypes: Set<String> = ["book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings", "reference", "mvreference"]

    /// The entries with what they inherit, as biber resolves it: every field of the
    /// `@xdata` entries they name in `xdata`, then every field of their `crossref`
    /// parent that they lack, the parent's title becoming the `booktitle` of a part
    /// of a book or proceedings (`subtitle` → `booksubtitle`, a `@periodical`'s title
    /// → `journaltitle`). A child keeps its own value of any field. `@xdata` entries
    /// hold fields for others and are not works: they are left out. A `crossref` or
    /// `xdata` key the file does not have is a warning.
    ///
    /// ```bibtex
    /// @proceedings{icml2023, title = {Proc. ICML}, year = 2023, publisher = {PMLR}}
    /// @inproceedings{smith2023, title = {A Paper}, crossref = {icml2023}}
    /// % smith2023: booktitle = {Proc. ICML}, year = 2023, publisher = {PMLR}
    /// ```
    static func resolvingInheritance(_ entries: [BibTeXParser.Entry], file: String, warning: (ImportError) -> Void) -> [BibTeXParser.Entry] {
        guard entries.contains(where: { $0.type == "xdata" || $0.value("crossref") != nil || $0.value("xdata") != nil }) else { return entries }
        var byKey: [String: BibTeXParser.Entry] = [:]
        for entry in entries where byKey[entry.key.lowercased()] == nil { byKey[entry.key.lowercased()] = entry }

        func resolved(_ entry: BibTeXParser.Entry, depth: Int, warn: Bool) -> BibTeXParser.Entry {
            var result = entry
            func inherit(_ name: String, _ value: String) {
                if !result.fields.contains(where: { $0.name == name }) { result.fields.append((name, value)) }
            }
            // A chain longer than this is a loop.
            guard depth < 8 else { return result }
            for key in (entry.value("xdata") ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !key.isEmpty {
                guard let data = byKey[key.lowercased()] else {
                    if warn { warning(ImportError(file: file, line: entry.line, reason: "@\(entry.type){\(entry.key)} names xdata '\(key)', which the file does not have")) }
                    continue
                }
                for field in resolved(data, depth: depth + 1, warn: false).fields where !notInherited.contains(field.name) {
                    inherit(field.name, field.value)
                }
            }
            if let key = entry.value("crossref")?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty {
                if let parent = byKey[key.lowercased()].map({ resolved($0, depth: depth + 1, warn: false) }) {
                    for field in parent.fields where !notInherited.contains(field.name) {
                        inherit(inheritedName(field.name, parent: parent.type), field.value)
                    }
                } else if warn {
                    warning(ImportError(file: file, line: entry.line, reason: "@\(entry.type){\(entry.key)} has crossref '\(key)', which the file does not have"))
                }
            }
            return result
        }
        return entries.filter { $0.type != "xdata" }.map { resolved($0, depth: 0, warn: true) }
    }

    /// The name a parent's field has in its child.
    static func inheritedName(_ name: String, parent: String) -> String {
        if bookTypes.contains(parent) {
            switch name {
            case "title": return "booktitle"
            case "subtitle": return "booksubtitle"
            case "titleaddon": return "booktitleaddon"
            default: return name
            }
        }
        if parent == "periodical", name == "title" { return "journaltitle" }
        return name
    }
}
