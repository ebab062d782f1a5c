import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Styling for human output: colour only on a terminal, never with `NO_COLOR`.
struct Terminal {
    let colour: Bool

    static let stdout = Terminal(colour: isatty(STDOUT_FILENO) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty)

    func bold(_ text: String) -> String { style(text, "1") }
    func dim(_ text: String) -> String { style(text, "2") }
    func cyan(_ text: String) -> String { style(text, "36") }
    func yellow(_ text: String) -> String { style(text, "33") }
    func green(_ text: String) -> String { style(text, "32") }

    /// How a search match is marked: yellow bold on a terminal, `[...]` otherwise.
    var matchMarks: (open: String, close: String) {
        colour ? ("\u{1B}[1;33m", "\u{1B}[0m") : ("[", "]")
    }

    private func style(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
