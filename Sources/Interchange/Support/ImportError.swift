import Model

/// A record that cannot be imported: which file, which line, and why.
///
/// ```
/// trending.txt:42: expected a paper title, found a 1,384-character paragraph
/// ```
public struct ImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file, as the user named it.
    public let file: String
    /// 1-based line where the bad record starts; nil when the file as a whole is wrong.
    public let line: Int?
    /// What is wrong, in words for a terminal.
    public let reason: String

    /// Creates a value from its fields.
    public init(file: String, line: Int?, reason: String) {
        self.file = file; self.line = line; self.reason = reason
    }

    /// The text form.
    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}

extension ImportError {
    /// The drafts of `records`, in order: each bad record stops the read, or, with
    /// `skipping`, is handed to it and the read goes on. Every importer that reads
    /// record by record collects its drafts this way.
    static func collect<Record>(_ records: some Sequence<Record>, skipping: ((ImportError) -> Void)?,
                                _ draft: (Record) throws(ImportError) -> PaperDraft?) throws(ImportError) -> [PaperDraft] {
        var drafts: [PaperDraft] = []
        for record in records {
            do throws(ImportError) {
                if let made = try draft(record) { drafts.append(made) }
            } catch {
                guard let skipping else { throw error }
                skipping(error)
            }
        }
        return drafts
    }

    /// The `source` a paper from `file` records: `bibtex:refs.bib`.
    static func source(_ format: String, file: String) -> String {
        format + ":" + (file.split(separator: "/").last.map(String.init) ?? file)
    }
}
