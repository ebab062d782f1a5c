import Foundation
import Model

/// What a format's reader makes of one record of a file: a paper, a paper kept
/// only when warnings are taken, or a bad record.
///
/// Readers hand records over as they read them (``ImportFormat/init(name:recognises:isText:reader:)``):
/// the import stores them on the calling thread while a second thread reads ahead,
/// and the problems are reported there, in file order, through ``ImportProblems``.
enum ReadRecord: Sendable {
    /// A paper to store.
    case paper(PaperDraft)
    /// A paper with a problem bibtex would only warn about (no title, DOI or arXiv
    /// id): kept with a warning, else a bad record (``ImportProblems/keep(despite:)``).
    case questionable(PaperDraft, ImportError)
    /// A record that cannot be read: skipped with `--skip-invalid`, else the end of the read.
    case bad(ImportError)

    /// A reader of a whole file: its bytes, the file's name for errors and
    /// sources, and where each record goes, in file order. Errors that are not
    /// about one record (a file that is not JSON) are thrown.
    typealias Reader = @Sendable (FileBytes, String, (ReadRecord) throws -> Void) throws -> Void
}

extension ImportProblems {
    /// Hands a record's paper to `body`, or its problem to where problems go.
    func take(_ record: ReadRecord, _ body: (PaperDraft) throws -> Void) throws {
        switch record {
        case .paper(let draft):
            try body(draft)
        case .questionable(let draft, let problem):
            if try keep(despite: problem) { try body(draft) }
        case .bad(let error):
            guard let skipping else { throw error }
            skipping(error)
        }
    }

    /// The papers `reader` finds in `bytes`, read on this thread.
    func drafts(in bytes: FileBytes, file: String, reader: ReadRecord.Reader) throws(ImportError) -> [PaperDraft] {
        var drafts: [PaperDraft] = []
        do {
            try reader(bytes, file) { record in try take(record) { drafts.append($0) } }
        } catch let error as ImportError {
            throw error
        } catch {
            throw ImportError(file: file, line: nil, reason: "\(error)")
        }
        return drafts
    }

    /// The papers `reader` finds in a file's bytes, checked as UTF-8 first when `isText`.
    func drafts(in data: Data, file: String, isText: Bool = false, reader: ReadRecord.Reader) throws(ImportError) -> [PaperDraft] {
        let result: Result<[PaperDraft], ImportError> = data.withUnsafeBytes { raw in
            Result { () throws(ImportError) in
                let bytes = FileBytes(raw.assumingMemoryBound(to: UInt8.self))
                if isText { try bytes.checkUTF8(file: file) }
                return try drafts(in: bytes, file: file, reader: reader)
            }
        }
        return try result.get()
    }

    /// The papers `reader` finds in a text.
    func drafts(in text: String, file: String, reader: ReadRecord.Reader) throws(ImportError) -> [PaperDraft] {
        var text = text
        let result: Result<[PaperDraft], ImportError> = text.withUTF8 { bytes in
            Result { () throws(ImportError) in try drafts(in: FileBytes(bytes), file: file, reader: reader) }
        }
        return try result.get()
    }
}

extension ImportFormat {
    /// Declares a format whose reader hands records over one by one: an import
    /// reads the file on a second thread while this one stores, and never holds
    /// the file's text or all its papers. A text format's bytes are checked as
    /// UTF-8 first, the error naming the line.
    init(name: String, recognises: @escaping @Sendable (String) -> Bool, isText: Bool, reader: @escaping ReadRecord.Reader) {
        self.init(name: name, recognises: recognises, read: { data, file, problems throws(ImportError) in
            try problems.drafts(in: data, file: file, isText: isText, reader: reader)
        }, stream: { data, file, problems, body in
            let data = consume data
            try data.withUnsafeBytes { raw in
                let bytes = FileBytes(raw.assumingMemoryBound(to: UInt8.self))
                if isText { try bytes.checkUTF8(file: file) }
                try Prefetch.run(batchSize: 128, ahead: 8, produce: { emit in
                    try reader(bytes, file, emit)
                }, consume: { record in
                    try problems.take(record, body)
                })
            }
        })
    }
}
