import Foundation
import Lookup
import Testing
import TestSupport

/// Reading PDFs' text with the programs installed for it.
@Suite("Text of PDFs, page by page")
struct PDFTextTests {
    static let twoColumn = repositoryRoot.appendingPathComponent("Tests/Fixtures/files/two-column.pdf")

    /// Each program reads the fixture's eight pages apart, the rare word on page 7
    /// only. CI installs both; elsewhere a missing one is said, not skipped silently.
    @Test(arguments: ["pdftotext", "mutool"])
    func eachProgramKeepsThePagesApart(tool: String) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["READER_PDF_TEXT"] = tool
        guard PDFText.availableTools(environment: ProcessInfo.processInfo.environment).contains(tool) else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "\(tool) is not installed (apt-get install \(tool == "mutool" ? "mupdf-tools" : "poppler-utils"))")
            return
        }
        let text = try PDFText.extract(from: Self.twoColumn, environment: environment)
        #expect(text.tool == tool)
        #expect(text.pages.count == 8)
        #expect(text.pages.indices.filter { text.pages[$0].contains("zymurgical") } == [6])
    }

    @Test func aFileNoProgramCanReadIsAFailureWithEveryProgramsReason() throws {
        let garbage = repositoryRoot.appendingPathComponent("Tests/Fixtures/files/garbage.pdf")
        var environment = ProcessInfo.processInfo.environment
        environment["READER_PDF_TEXT"] = "pdftotext,mutool"
        #expect {
            try PDFText.extract(from: garbage, environment: environment)
        } throws: { error in
            let reason = (error as? PDFText.Failure)?.reason ?? ""
            return reason.hasPrefix("pdftotext: it failed (status 1)") && reason.contains("; mutool: it failed")
        }
    }

    @Test func textIsCutToTheLimitAndNULsDropped() {
        let pages = PDFText.limit(["a\u{0}b", String(repeating: "x", count: PDFText.maxCharacters), "late"])
        #expect(pages.first == "ab")
        #expect(pages.map(\.count).reduce(0, +) == PDFText.maxCharacters)
        #expect(pages.count == 2)
    }

    @Test func aProgramThatHangsIsStoppedAtTheTimeLimit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-hang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fake = folder.appendingPathComponent("pdftotext")
        try "#!/bin/sh\nexec sleep 30\n".write(to: fake, atomically: true, encoding: .utf8)
        chmod(fake.path, 0o755)
        let started = Date()
        #expect {
            try PDFText.extract(from: Self.twoColumn, timeout: 1, environment: ["PATH": folder.path, "READER_PDF_TEXT": "pdftotext"])
        } throws: { error in
            (error as? PDFText.Failure)?.reason == "pdftotext: it took more than 1 s and was stopped"
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
