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
        guard entries.contains(where: Inheritance.isInvolved) else { return entries }
        var inheritance = Inheritance(file: file)
        for entry in entries { inheritance.add(entry) }
        return entries.filter { $0.type != "xdata" }.map { inheritance.resolved($0, warning: warning) }
    }

    /// The entries others inherit from, by key, and how a child takes their fields:
    /// what the whole read and the streamed one (``BibTeX/forEachDraft(in:file:problems:_:)``,
    /// which keeps only the entries named by others) share.
    struct Inheritance: Sendable {
        let file: String
        /// The first entry of each key (lower case).
        private(set) var byKey: [String: BibTeXParser.Entry] = [:]

        init(file: String) { self.file = file }

        /// Whether an entry takes part in inheritance: an `@xdata`, or an entry naming one or a parent.
        static func isInvolved(_ entry: BibTeXParser.Entry) -> Bool {
            entry.type == "xdata" || entry.value("crossref") != nil || entry.value("xdata") != nil
        }

        /// The keys an entry inherits from: its `xdata` keys, then its `crossref`.
        static func parents(of entry: BibTeXParser.Entry) -> (xdata: [String], crossref: String?) {
            let xdata = (entry.value("xdata") ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            let crossref = entry.value("crossref")?.trimmingCharacters(in: .whitespacesAndNewlines)
            return (xdata, crossref?.isEmpty == false ? crossref : nil)
        }

        /// Makes an entry available to inherit from, unless its key came earlier.
        mutating func add(_ entry: BibTeXParser.Entry) {
            let key = entry.key.lowercased()
            if byKey[key] == nil { byKey[key] = entry }
        }

        /// The warnings an entry's inheritance gives when `has` says which keys the file has:
        /// an `xdata` or `crossref` key it does not have.
        static func warnings(for entry: BibTeXParser.Entry, file: String, has: (String) -> Bool) -> [ImportError] {
            let (xdata, crossref) = parents(of: entry)
            var result: [ImportError] = []
            for key in xdata where !has(key.lowercased()) {
                result.append(ImportError(file: file, line: entry.line, reason: "@\(entry.type){\(entry.key)} names xdata '\(key)', which the file does not have"))
            }
            if let crossref, !has(crossref.lowercased()) {
                result.append(ImportError(file: file, line: entry.line, reason: "@\(entry.type){\(entry.key)} has crossref '\(crossref)', which the file does not have"))
            }
            return result
        }

        /// The entry with what it inherits; a key the file lacks goes to `warning`.
        func resolved(_ entry: BibTeXParser.Entry, warning: (ImportError) -> Void) -> BibTeXParser.Entry {
            for problem in Self.warnings(for: entry, file: file, has: { byKey[$0] != nil }) { warning(problem) }
            return resolved(entry, depth: 0)
        }

        private func resolved(_ entry: BibTeXParser.Entry, depth: Int) -> BibTeXParser.Entry {
            var result = entry
            func inherit(_ name: String, _ value: String) {
                if !result.fields.contains(where: { $0.name == name }) { result.fields.append((name, value)) }
            }
            // A chain longer than this is a loop.
            guard depth < 8 else { return result }
            let (xdata, crossref) = Self.parents(of: entry)
            for key in xdata {
                guard let data = byKey[key.lowercased()] else { continue }
                for field in resolved(data, depth: depth + 1).fields where !notInherited.contains(field.name) {
                    inherit(field.name, field.value)
                }
            }
            if let crossref, let parent = byKey[crossref.lowercased()].map({ resolved($0, depth: depth + 1) }) {
                for field in parent.fields where !notInherited.contains(field.name) {
                    inherit(inheritedName(field.name, parent: parent.type), field.value)
                }
            }
            return result
        }
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
