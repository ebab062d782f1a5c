import Foundation
import Testing
import TestSupport

/// Real libraries nobody here wrote go through reader without damage
/// (`Tests/Fixtures/corpus`, and TeX Live's biblatex-examples.bib and tugboat.bib;
/// `READER_CORPUS=all` in `Tests/Validation/corpus.py`): every file is imported into
/// a library of its own, exported to every format (its own family exactly, the
/// others as their kinds of work and fields), and compared with the original by
/// pybtex, bibtex, biber, pdflatex, citeproc-py, rispy and Python's csv. What differs for a reason (a
/// merge on a shared DOI, an entry pybtex cannot read) is listed apart; the table
/// per file is in docs/interop.md. One validator at a time, each on a thread of its
/// own (they run for minutes).
@Suite("Real-world corpus", .tags(.slow), .serialized, .enabled(if: SlowTests.enabled, SlowTests.skipped))
struct RealWorldCorpusTests {
    static let corpus = ["READER_CORPUS": "all"]

    @Test func everyBibliographyGoesThroughAsPybtexReadsIt() async throws {
        guard let (status, output) = try await runPythonScriptOffThePool(["Tests/Validation/validate_roundtrip.py", ReaderProcess.binary.path], environment: Self.corpus) else { return }
        #expect(status == 0, "\(output.suffix(20_000))")
        #expect(output.contains(", 0 differences"))
    }

    @Test(.enabled(if: BibTeXTools.enabled, BibTeXTools.skipped))
    func bibtexBiberAndPdflatexTypesetEveryExportAsTheOriginal() async throws {
        guard let (status, output) = try await runPythonScriptOffThePool(["Tests/Validation/validate_bibtex_tools.py", ReaderProcess.binary.path], environment: Self.corpus) else { return }
        #expect(status == 0, "\(output.suffix(20_000))")
        #expect(output.contains(", 0 differences"))
    }

    @Test func cslJSONAndRISGoThroughAsCiteprocAndRispyReadThem() async throws {
        guard let (status, output) = try await runPythonScriptOffThePool(["Tests/Validation/validate_csl_ris.py", ReaderProcess.binary.path]) else { return }
        #expect(status == 0, "\(output.suffix(20_000))")
        #expect(output.contains(", 0 differences"))
    }

    @Test func everyFileGoesOutToEveryOtherFormatAsItsToolsReadIt() async throws {
        guard let (status, output) = try await runPythonScriptOffThePool(["Tests/Validation/validate_across_formats.py", ReaderProcess.binary.path], environment: Self.corpus) else { return }
        #expect(status == 0, "\(output.suffix(20_000))")
        #expect(output.contains(", 0 differences"))
    }
}
