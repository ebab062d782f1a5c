/// An export format `reader export` writes paper by paper: its name and what the
/// export must prepare for it. Each format declares itself in its own file
/// (`extension ExportFormat { static let bibtex = … }`) and is listed in ``all``.
///
/// The JSON backup is not one of them: it writes records, not papers (see
/// ``ReaderBackup``).
///
/// ```swift
/// guard let format = ExportFormat.named("csl-json") else { … }
/// var writer = format.writer(to: FileOutput())
/// ```
public struct ExportFormat: Sendable, Hashable, CustomStringConvertible {
    /// The name given to `--format`.
    public let name: String
    /// Whether papers need their citation keys fixed before they are written
    /// (bibliographies: a key once given never changes).
    public let needsCitationKeys: Bool
    /// Whether the writer shows notes and highlights (reading them costs queries).
    public let needsAnnotations: Bool
    /// Whether papers are written in sections by reading status.
    public let groupsByStatus: Bool
    private let factory: any PaperWriterFactory

    /// Declares a format from what makes its writers.
    public init(name: String, needsCitationKeys: Bool, needsAnnotations: Bool, groupsByStatus: Bool = false, writers: any PaperWriterFactory) {
        self.name = name; self.needsCitationKeys = needsCitationKeys; self.needsAnnotations = needsAnnotations
        self.groupsByStatus = groupsByStatus; self.factory = writers
    }

    /// A writer of this format to a file, standard output or memory.
    public func writer(to output: FileOutput) -> any PaperWriter<FileOutput> { factory.writer(to: output) }

    public var description: String { name }
    public static func == (a: ExportFormat, b: ExportFormat) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// Every format, in the order `reader export --help` lists them.
    public static let all: [ExportFormat] = [.bibtex, .biblatex, .cslJSON, .ris, .markdown, .csv]

    /// The format with this name.
    public static func named(_ name: String) -> ExportFormat? { all.first { $0.name == name } }
}

/// Makes the writers of one format. The output is concrete so that each writer is
/// compiled for it: a writer generic over its output, made through this
/// existential, would run unspecialized (measured 6-17% more CPU per export).
public protocol PaperWriterFactory: Sendable {
    /// A new writer to `output`.
    func writer(to output: FileOutput) -> any PaperWriter<FileOutput>
}
