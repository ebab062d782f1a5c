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
                ? ["draw", "-q", "-F", "txt", "-o", outputArgument, file.path, "1-\(maxPages)"]
                : ["-q", "-enc", "UTF-8", "-l", String(maxPages), file.path, outputArgument]
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

    /// Where the program is told to write its text: ``run(_:_:timeout:)`` puts a file there.
    static let outputArgument = "\u{1}output"

    /// Runs a program that writes its text to a file (``outputArgument`` in its
    /// arguments stands for it), kills it after `timeout` seconds, and gives the text.
    ///
    /// `posix_spawn` directly, not Foundation's `Process`: on Linux, `Process` closes
    /// every possible descriptor in the child before `exec` (20 ms at a limit of
    /// 20,000 open files, more than the program itself takes on a short paper).
    /// reader's own descriptors are opened close-on-exec, so none reaches the program.
    static func run(_ path: String, _ arguments: [String], timeout: TimeInterval) -> Result<String, FailureReason> {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("reader-text-\(getpid())-\(UUID().uuidString).txt")
        defer { unlink(output.path) }
        var errorPipe: [Int32] = [-1, -1]
        guard pipe(&errorPipe) == 0 else { return .failure(FailureReason("cannot make a pipe: \(String(cString: strerror(errno)))")) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        posix_spawn_file_actions_addclose(&actions, errorPipe[0])
        posix_spawn_file_actions_addclose(&actions, errorPipe[1])
        let argv = [path] + arguments.map { $0 == outputArgument ? output.path : $0 }
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, &cArguments, environ)
        close(errorPipe[1])
        guard spawned == 0 else {
            close(errorPipe[0])
            return .failure(FailureReason("cannot run it: \(String(cString: strerror(spawned)))"))
        }
        // A watchdog stops the program at the deadline; the exit itself is waited for, not polled.
        let timedOut = Atomic<Bool>(false)
        let watchdog = DispatchWorkItem {
            timedOut.store(true, ordering: .relaxed)
            kill(pid, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        // Its error messages, until it exits (the pipe closes with it).
        var errors: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(errorPipe[0], $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            if errors.count < 65_536 { errors.append(contentsOf: chunk.prefix(count)) }
        }
        close(errorPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        watchdog.cancel()
        let signalled = status & 0x7F != 0
        if timedOut.load(ordering: .relaxed), signalled {
            return .failure(FailureReason("it took more than \(Int(timeout)) s and was stopped"))
        }
        let exitCode = signalled ? 128 + (status & 0x7F) : (status >> 8) & 0xFF
        guard exitCode == 0 else {
            let message = String(decoding: errors, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return .failure(FailureReason("it failed (status \(exitCode))" + (message.isEmpty ? "" : ": " + message)))
        }
        guard let data = FileManager.default.contents(atPath: output.path) else {
            return .failure(FailureReason("it wrote no text"))
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
