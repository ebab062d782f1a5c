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
    @Test func namesAndUneditedFieldsReadAsPybtexReadsTheOriginal() async throws {
        guard let (status, output) = try await runPythonScriptOffThePool(["Tests/Validation/validate_roundtrip.py", ReaderProcess.binary.path]) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 differences"))
    }
}

/// Whether bibtex and biber are installed (`.ci/run` installs them; CI never skips).
enum BibTeXTools {
    static var installed: Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        return ["bibtex", "biber"].allSatisfy { tool in
            path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
        }
    }
    static var enabled: Bool { installed || ProcessInfo.processInfo.environment["CI"] != nil }
    static let skipped: Comment = "bibtex and biber are not installed (Debian: texlive-binaries texlive-base biber; .ci/run installs them)"
}

/// bibtex and biber themselves read the exports: `Tests/Validation/validate_bibtex_tools.py`
/// runs bibtex with plain.bst and `biber --tool` on each test bibliography and on
/// reader's export of it.
@Suite("Exports read by bibtex and biber", .enabled(if: BibTeXTools.enabled, BibTeXTools.skipped))
struct BibTeXToolsTests {
    @Test func bibtexRendersEveryEntryOfTheExportAsTheOriginalAndBiberReadsItAsQuickly() async throws {
        guard let (status, output) = try await runPythonScriptOffThePool(["Tests/Validation/validate_bibtex_tools.py", ReaderProcess.binary.path]) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 differences"))
    }
}
