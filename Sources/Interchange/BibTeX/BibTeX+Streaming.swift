import Foundation
import Model

extension BibTeX {
    /// Hands each draft to `body` in file order, as ``parse(_:file:problems:)``
    /// would return them, without ever holding the file's entries or its text: an
    /// import of a 200 MB file stays within a few tens of megabytes.
    ///
    /// The bytes are read in three passes, each of which lets go of the pages it has
    /// read (``MappedFile/releasePages(of:before:)``, when `data` is mapped):
    ///
    /// 1. The whole file is checked, as UTF-8, then as BibTeX without building any
    ///    value: a bad entry stops the read here, with its line, before any paper is
    ///    handed over; warnings and skipped entries are reported now, in file order.
    ///    The entries that inherit (`crossref`, `xdata`) are noted.
    /// 2. Only when some do: the entries they name are read whole, as parents
    ///    (a parent often comes after its children).
    /// 3. The entries are read again one by one, given what they inherit, and turned
    ///    into drafts on a second thread (``Prefetch``) while `body` stores the ones
    ///    before.
    ///
    /// An error `body` throws stops the read.
    public static func forEachDraft(in data: Data, file: String, problems: ImportProblems,
                                    _ body: (PaperDraft) throws -> Void) throws {
        try data.withUnsafeBytes { raw in
            try forEachDraft(in: FileBytes(raw.assumingMemoryBound(to: UInt8.self)), file: file, problems: problems, body)
        }
    }

    /// The drafts of a text, handed to `body` as ``forEachDraft(in:file:problems:_:)-(Data,_,_,_)`` does.
    public static func forEachDraft(in text: String, file: String, problems: ImportProblems,
                                    _ body: (PaperDraft) throws -> Void) throws {
        var text = text
        try text.withUTF8 { bytes in try forEachDraft(in: FileBytes(bytes), file: file, problems: problems, body) }
    }

    static func forEachDraft(in bytes: FileBytes, file: String, problems: ImportProblems,
                             _ body: (PaperDraft) throws -> Void) throws {
        try bytes.checkUTF8(file: file)
        let outline = try Outline(of: bytes, file: file, problems: problems)
        let read = Read(preambles: outline.preambles, file: file)
        let inheritance = outline.isInheriting ? outline.parents(in: bytes) : nil
        let isLenient = problems.warning != nil
        let skipsBadEntries = problems.skipping != nil
        try Prefetch.run(batchSize: 128, ahead: 8, produce: { emit in
            var parser = BibTeXParser(bytes.buffer, file: file)
            parser.isLenient = isLenient
            // The entries that pass 1 skipped are skipped again, not reported twice.
            let skipSilently: ((ImportError) -> Void)? = skipsBadEntries ? { _ in } : nil
            var released = 0
            while var entry = try parser.nextEntry(skipping: skipSilently) {
                bytes.release(before: parser.entryStart.index, since: &released)
                if let inheritance {
                    guard entry.type != "xdata" else { continue }
                    entry = inheritance.resolved(entry, warning: { _ in })  // reported by pass 1
                }
                try emit((entry, read.convert(entry)))
            }
        }, consume: { entry, converted in
            if let draft = try read.kept(converted, of: entry, problems: problems) { try body(draft) }
        })
    }

    /// What pass 1 learns of a file: its preambles, and the entries that inherit
    /// with every key the file has.
    struct Outline {
        var preambles: [String] = []
        /// The entries that name a parent or xdata, and the `@xdata` entries; only
        /// their `crossref` and `xdata` fields are read.
        var inheriting: [BibTeXParser.Entry] = []
        /// Every entry's key, in lower case (kept only once an entry inherits).
        var keys: Set<String> = []
        let file: String
        let isLenient: Bool
        let skipping: ((ImportError) -> Void)?

        var isInheriting: Bool { !inheriting.isEmpty }

        /// Checks every entry of the file, reporting its warnings and skipped entries to `problems`.
        init(of bytes: FileBytes, file: String, problems: ImportProblems) throws(ImportError) {
            self.file = file
            isLenient = problems.warning != nil
            skipping = problems.skipping.map { _ in { _ in } }
            var parser = BibTeXParser(bytes.buffer, file: file)
            parser.isLenient = isLenient
            parser.keepingValues = []
            var allKeys: [String] = []
            var released = 0
            while let entry = try parser.nextEntry(skipping: problems.skipping) {
                bytes.release(before: parser.entryStart.index, since: &released)
                allKeys.append(entry.key)
                if Inheritance.isInvolved(entry) { inheriting.append(entry) }
            }
            bytes.release(before: bytes.buffer.count, since: &released)
            preambles = parser.preambles
            if isInheriting { keys = Set(allKeys.lazy.map { $0.lowercased() }) }
            var warnings = parser.warnings
            for entry in inheriting where entry.type != "xdata" {
                warnings += Inheritance.warnings(for: entry, file: file, has: keys.contains)
            }
            // A missing parent is only a warning, as in bibtex and biber: the child is kept as it is.
            for warning in warnings { problems.warning?(warning) }
        }

        /// Pass 2: the entries others inherit from, read whole.
        func parents(in bytes: FileBytes) -> Inheritance {
            var named: Set<String> = []
            for entry in inheriting {
                let (xdata, crossref) = Inheritance.parents(of: entry)
                for key in xdata + (crossref.map { [$0] } ?? []) { named.insert(key.lowercased()) }
            }
            var inheritance = Inheritance(file: file)
            var parser = BibTeXParser(bytes.buffer, file: file)
            parser.isLenient = isLenient
            parser.keepingValues = named
            // Pass 1 read the file without an error, or skipping every bad entry.
            var released = 0
            while let entry = try? parser.nextEntry(skipping: skipping) {
                bytes.release(before: parser.entryStart.index, since: &released)
                if named.contains(entry.key.lowercased()) { inheritance.add(entry) }
            }
            bytes.release(before: bytes.buffer.count, since: &released)
            return inheritance
        }
    }
}
