import Foundation
import Testing
import TestSupport

/// BibTeX goes through reader without damage, judged by pybtex:
/// `Tests/Validation/validate_roundtrip.py` imports `Tests/Fixtures/names.bib` and
/// `latex.bib` with the built `reader` and compares its CSL-JSON name parts, and
/// pybtex's reading of its BibTeX and BibLaTeX exports (names, titles, venues,
/// abstracts), with pybtex's reading of the originals.
@Suite("BibTeX through reader, judged by pybtex")
struct BibTeXInteropTests {
    @Test func namesAndUneditedFieldsReadAsPybtexReadsTheOriginal() throws {
        guard let (status, output) = try runPythonScript(["Tests/Validation/validate_roundtrip.py", ReaderProcess.binary.path]) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 differences"))
    }
}
