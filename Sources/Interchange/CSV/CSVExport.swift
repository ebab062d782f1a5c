import Foundation
import Model

/// The reading list as CSV (RFC 4180): one row per paper, for spreadsheets.
///
/// Lists inside a cell (authors, tags) are joined with `; `. Fields containing a
/// comma, quote or line break are quoted, quotes doubled.
public struct CSVExport<Output: TextOutput> {
    /// The header row, in column order.
    public static var columns: [String] {
        ["id", "title", "authors", "year", "published", "venue", "arxiv_id", "doi", "url", "pdf_url", "code_url",
         "status", "rating", "read_at", "added_at", "tags", "notes", "highlights", "source", "abstract"]
    }

    /// Where the CSV goes.
    public private(set) var output: Output

    /// Creates a value from its fields.
    public init(output: Output) {
        self.output = output
        self.output.write(CSVExport.row(CSVExport.columns))
    }

    /// Writes one paper's row.
    public mutating func write(_ detail: PaperDetail) {
        let p = detail.paper
        output.write(CSVExport.row([
            p.id.lowercased, p.title, p.authorsForDisplay.joined(separator: "; "), p.year.map(String.init) ?? "",
            p.published ?? "", p.venue ?? "", p.arxiv?.description ?? "", p.doi?.written ?? "", p.url ?? "",
            p.pdfURL ?? "", p.codeURL ?? "", p.status.rawValue, p.rating.map(String.init) ?? "",
            p.readAt.map(PaperJSON.isoDate) ?? "", PaperJSON.isoDate(p.addedAt),
            detail.tags.map(\.value).joined(separator: "; "), String(detail.notes.count),
            String(detail.highlights.count), p.source ?? "", p.abstract ?? "",
        ]))
    }

    /// The output, when every row is written.
    public mutating func finish() -> Output { output }

    static func row(_ fields: [String]) -> String { CSVRow.encode(fields) }
}

/// RFC 4180 row encoding.
enum CSVRow {
    /// The fields as one row with its line end, each quoted when it holds a comma,
    /// a quote or a line break (quotes doubled), written into one buffer.
    static func encode(_ fields: [String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(fields.reduce(2 + fields.count) { $0 + $1.utf8.count + 2 })
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            var field = field
            field.withUTF8 { bytes in
                guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
                    out.append(contentsOf: bytes)
                    return
                }
                out.append(0x22)
                for byte in bytes {
                    if byte == 0x22 { out.append(0x22) }
                    out.append(byte)
                }
                out.append(0x22)
            }
        }
        out.append(0x0D)
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }
}

extension CSVExport: PaperWriter {
    public mutating func write(_ paper: PaperDetail, key: String) { write(paper) }
}

extension ExportFormat {
    /// One row per paper, for spreadsheets.
    public static let csv = ExportFormat(name: "csv", needsCitationKeys: false, needsAnnotations: true, writers: CSVWriters())
}

struct CSVWriters: PaperWriterFactory {
    func writer(to output: FileOutput) -> any PaperWriter<FileOutput> { CSVExport(output: output) }
}
