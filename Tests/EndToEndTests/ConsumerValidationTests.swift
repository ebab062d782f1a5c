import Foundation
import Testing
import TestSupport

/// The exports are read by the tools researchers feed them to, not only by our
/// own parsers: `Tests/Validation/validate_exports.py` exports a library with
/// hostile text from the built `reader` and reads each file back with pybtex,
/// bibtexparser, citeproc-py and rispy, comparing counts and field values.
@Suite("Exports read by real consumers", .tags(.slow), .enabled(if: SlowTests.enabled, SlowTests.skipped))
struct ConsumerValidationTests {
    @Test func pybtexBibtexparserCiteprocAndRispyReadTheExportsAsTheLibraryHasThem() throws {
        guard let (status, output) = try runPythonScript(["Tests/Validation/validate_exports.py", ReaderProcess.binary.path]) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.contains("all exports accepted by their consumers"))
    }
}
