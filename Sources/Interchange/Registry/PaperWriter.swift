import Model
/// A streaming writer of one export format: papers go in one at a time, in the
/// order they are listed, and only the current one is in memory.
///
/// ```swift
/// var writer = ExportFormat.bibtex.writer(to: .inMemory())
/// writer.write(detail, key: "vaswani2017attention")
/// let text = writer.finish().text
/// ```
public protocol PaperWriter<Output> {
    /// Where the text goes.
    associatedtype Output: TextOutput
    /// Starts the papers of one reading status, for formats that group by it
    /// (``ExportFormat/groupsByStatus``); the others ignore it.
    mutating func section(_ status: ReadingStatus, count: Int)
    /// Writes one paper under its citation key.
    mutating func write(_ paper: PaperDetail, key: String)
    /// Closes the document and gives the output back.
    mutating func finish() -> Output
}

extension PaperWriter {
    public mutating func section(_ status: ReadingStatus, count: Int) {}
}
