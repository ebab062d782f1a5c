import Foundation
import Testing
import TestSupport

/// Names go through reader as bibtex reads them: `Tests/Validation/validate_names.py`
/// imports `Tests/Fixtures/names.bib` with the built `reader` and compares its
/// CSL-JSON parts, and pybtex's reading of its BibTeX and BibLaTeX exports, with
/// pybtex's reading of the original, name by name.
@Suite("Names compared with pybtex")
struct NameInteropTests {
    @Test func readerSplitsAndWritesEveryNameAsPybtexReadsTheOriginal() throws {
        guard let (status, output) = try runPythonScript(["Tests/Validation/validate_names.py", ReaderProcess.binary.path]) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 differences"))
    }
}
