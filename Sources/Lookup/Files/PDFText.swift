import Foundation
import Synchronization

/// The text of a PDF, page by page, from an external program run as a subprocess
/// with a time limit: Debian's `pdftotext` (poppler-utils), else `mutool`
/// (mupdf-tools). Never linked: a PDF that crashes or hangs the tool costs that
/// one file, not the process.
///
/// Why `pdftotext` first: on the two-column fixture (`Tests/Fixtures/files/two-column.pdf`)
/// 0.970 of its consecutive word pairs are the LaTeX source's, against 0.915 for
/// `mutool draw -F txt` and 0.822 for `pdftotext -layout`
/// (`python3 Benchmarks/reading_order.py Tests/Fixtures/files/two-column.{tex,pdf}`).
///
/// ```swift
/// let text = try PDFText.extract(from: url)   // text.pages[6] is page 7
/// ```
public enum PDFText {
    /// Pages read at most.
    public static let maxPages = 100
    /// Characters kept at most, over all pages.
    public static let maxCharacters = 500_000

    /// What a PDF's text is.
    public struct Extracted: Sendable, Hashable {
        /// The text of each page, page 1 first (an empty string for a page without text).
        public var pages: [String]
        /// The program that read it.
        public var tool: String
    }

    /// Why a PDF's text could not be read.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// What went wrong, in words.
        public var reason: String
        /// Whether no extraction program is installed (said once, not per file).
        public var noTool: Bool

        public var description: String { reason }
    }

    /// The extraction programs, in order of preference, that are installed.
    public static func availableTools(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if let forced = environment["READER_PDF_TEXT"] {
            return forced.split(separator: ",").map(String.init).filter { $0 != "none" }
        }
        return ["pdftotext", "mutool"].filter { executable(named: $0, environment: environment) != nil }
    }

    /// Reads a PDF's text with the first program that manages it.
    ///
    /// - Throws: ``Failure``: no program installed (``Failure/noTool``), or none could
    ///   read the file (encrypted, scanned images only, damaged), with the reason.
    public static func extract(from file: URL, timeout: TimeInterval = 60,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) -> Extracted {
        let tools = availableTools(environment: environment)
        guard !tools.isEmpty else {
            throw Failure(reason: "no PDF text program is installed; install poppler-utils (apt-get install poppler-utils) to search inside papers", noTool: true)
        }
        var reasons: [String] = []
        for tool in tools {
            guard let path = executable(named: tool, environment: environment) else { continue }
            let arguments = tool == "mutool"
                ? ["draw", "-q", "-F", "txt", "-o", "-", file.path, "1-\(maxPages)"]
                : ["-q", "-enc", "UTF-8", "-l", String(maxPages), file.path, "-"]
            switch run(path, arguments, timeout: timeout) {
            case .success(let output):
                var pages = output.split(separator: "\u{0C}", omittingEmptySubsequences: false).map(String.init)
                if pages.last?.allSatisfy(\.isWhitespace) == true { pages.removeLast() }
                pages = limit(pages)
                guard pages.contains(where: { $0.contains(where: \.isLetter) }) else {
                    reasons.append("\(tool) found no text (scanned images only?)")
                    continue
                }
                return Extracted(pages: pages, tool: tool)
            case .failure(let reason):
                reasons.append("\(tool): \(reason)")
            }
        }
        throw Failure(reason: reasons.joined(separator: "; "), noTool: false)
    }

    /// The pages cut to ``maxCharacters`` in all.
    package static func limit(_ pages: [String]) -> [String] {
        var left = maxCharacters
        var kept: [String] = []
        for page in pages.prefix(maxPages) {
            guard left > 0 else { break }
            let cleaned = page.replacingOccurrences(of: "\u{0}", with: "")
            let piece = cleaned.count > left ? String(cleaned.prefix(left)) : cleaned
            left -= piece.count
            kept.append(piece)
        }
        return kept
    }

    /// Runs a program, kills it after `timeout` seconds, and gives its standard output.
    static func run(_ path: String, _ arguments: [String], timeout: TimeInterval) -> Result<String, FailureReason> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return .failure(FailureReason("cannot run it: \(error.localizedDescription)")) }
        // Read both pipes while the program runs (a full pipe would stop it).
        let collected = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { collected.setOutput(output.fileHandleForReading.readDataToEndOfFile()); group.leave() }
        group.enter()
        DispatchQueue.global().async { collected.setErrors(errors.fileHandleForReading.readDataToEndOfFile()); group.leave() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            group.wait()
            return .failure(FailureReason("it took more than \(Int(timeout)) s and was stopped"))
        }
        process.waitUntilExit()
        group.wait()
        let (data, errorData) = collected.values
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorData, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return .failure(FailureReason("it failed (status \(process.terminationStatus))" + (message.isEmpty ? "" : ": " + message)))
        }
        return .success(String(decoding: data, as: UTF8.self))
    }

    struct FailureReason: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }

    /// The program's path on `PATH`.
    static func executable(named name: String, environment: [String: String]) -> String? {
        for folder in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let path = String(folder) + "/" + name
            if access(path, X_OK) == 0 { return path }
        }
        return nil
    }
}

extension PDFText.FailureReason: CustomStringConvertible {
    var description: String { text }
}

/// Both outputs of a subprocess, filled by the threads that read them.
private final class Collected: Sendable {
    private let state = Mutex<(Data, Data)>((Data(), Data()))
    func setOutput(_ data: Data) { state.withLock { $0.0 = data } }
    func setErrors(_ data: Data) { state.withLock { $0.1 = data } }
    var values: (Data, Data) { state.withLock { $0 } }
}
