import Foundation
import Model

/// A format `reader import` reads: its name, how to recognise it from its first
/// bytes, and how to read its papers. Each format declares itself in its own
/// file (`extension ImportFormat { static let ris = … }`) and is listed in ``all``.
///
/// ```swift
/// let format = ImportFormat.detect(head) ?? .listing
/// let drafts = try format.drafts(from: data, file: "refs.ris")
/// ```
public struct ImportFormat: Sendable, Hashable, CustomStringConvertible {
    /// The name given to `--format`.
    public let name: String
    /// Whether a text (the file's first 64 KiB) is in this format.
    let recognises: @Sendable (String) -> Bool
    /// Reads the papers of a whole file; nil for the backup, which is restored
    /// record by record (``ReaderBackup/forEachItem(in:file:_:)``).
    let read: (@Sendable (consuming Data, String, ImportProblems) throws(ImportError) -> [PaperDraft])?
    /// Hands the papers of a whole file to a body as they are read, for a format that
    /// can (nil: ``read``, then each draft).
    let stream: Stream?

    /// How a format hands its papers over one by one: the file's bytes, its name,
    /// where problems go, and the body that takes each draft (on the calling thread).
    public typealias Stream = @Sendable (consuming Data, String, ImportProblems, (PaperDraft) throws -> Void) throws -> Void

    /// Declares a format.
    public init(name: String, recognises: @escaping @Sendable (String) -> Bool,
                read: (@Sendable (consuming Data, String, ImportProblems) throws(ImportError) -> [PaperDraft])?,
                stream: Stream? = nil) {
        self.name = name; self.recognises = recognises; self.read = read; self.stream = stream
    }

    /// Whether this is reader's own backup (records, restored whole) rather than papers.
    public var isBackup: Bool { read == nil }

    /// The papers of a file in this format. With `skipping`, bad records are
    /// handed to it and the rest read; without, the first bad record is thrown.
    /// Records with a problem bibtex only warns about are bad records here; pass
    /// ``ImportProblems`` with a `warning` to keep them.
    public func drafts(from data: consuming Data, file: String, skipping: ((ImportError) -> Void)? = nil) throws(ImportError) -> [PaperDraft] {
        try drafts(from: data, file: file, problems: ImportProblems(skipping: skipping))
    }

    /// The papers of a file in this format, its problems handed to `problems`.
    /// A UTF-8 byte order mark at the start is read past.
    public func drafts(from data: consuming Data, file: String, problems: ImportProblems) throws(ImportError) -> [PaperDraft] {
        guard let read else { throw ImportError(file: file, line: nil, reason: "a backup is restored, not read as papers") }
        return try read((consume data).withoutByteOrderMark, file, problems)
    }

    /// Hands each paper of a file in this format to `body`, in file order, as it is
    /// read: an import stores papers while the rest of the file is still being read
    /// (on a second thread, for the formats that can) instead of holding every draft
    /// first. Problems go to `problems` as ``drafts(from:file:problems:)`` reports
    /// them; an error `body` throws stops the read.
    public func forEachDraft(in data: consuming Data, file: String, problems: ImportProblems,
                             _ body: (PaperDraft) throws -> Void) throws {
        guard let stream else {
            for draft in try drafts(from: data, file: file, problems: problems) { try body(draft) }
            return
        }
        try stream((consume data).withoutByteOrderMark, file, problems, body)
    }

    public var description: String { name }
    public static func == (a: ImportFormat, b: ImportFormat) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// Every format, in the order detection tries them: the most particular first.
    public static let all: [ImportFormat] = [.json, .hfDaily, .csl, .ris, .webOfScience, .arxivAtom, .bibtex, .listing]

    /// The format with this name.
    public static func named(_ name: String) -> ImportFormat? { all.first { $0.name == name } }

    /// The format of `text`, judged by its content; nil when none fits.
    public static func detect(_ text: String) -> ImportFormat? { all.first { $0.recognises(text) } }

    /// Reads a text format: the bytes as UTF-8, then `parse`.
    static func text(_ parse: @escaping @Sendable (String, String, ImportProblems) throws(ImportError) -> [PaperDraft])
        -> @Sendable (consuming Data, String, ImportProblems) throws(ImportError) -> [PaperDraft] {
        { (data: consuming Data, file: String, problems: ImportProblems) throws(ImportError) in
            guard let text = String(data: data, encoding: .utf8) else { throw ImportError.notUTF8(data, file: file) }
            // The bytes are not needed once they are text: a large file is not held twice while it is parsed.
            _ = consume data
            return try parse(text, file, problems)
        }
    }
}

extension Data {
    /// The bytes without a leading UTF-8 byte order mark (EF BB BF), which Windows
    /// tools write and every format here reads past.
    public var withoutByteOrderMark: Data {
        starts(with: [0xEF, 0xBB, 0xBF]) ? dropFirst(3) : self
    }
}
