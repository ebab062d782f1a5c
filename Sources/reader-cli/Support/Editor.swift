import Foundation

/// Text from an argument, standard input (`-`) or the user's editor.
enum Editor {
    /// The text given, or with `-`, standard input without its trailing line
    /// breaks (as the editor's text is kept).
    static func textOrStandardInput(_ text: String) throws -> String {
        guard text == "-" else { return text }
        let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        let body = input.trimmingCharacters(in: .newlines)
        guard body.contains(where: { !$0.isWhitespace }) else { throw CLIError("standard input held no text; nothing was saved") }
        return body
    }

    /// Opens `$VISUAL` or `$EDITOR` (default `vi`, on a terminal only) on
    /// `initial`; returns the saved text.
    static func edit(_ initial: String, hint: String?) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty }
        guard chosen != nil || isatty(STDIN_FILENO) == 1 else {
            throw UsageError("no text given, and no terminal for an editor: give the text as an argument, - to read it from standard input, or set EDITOR")
        }
        let editor = chosen ?? "vi"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reader-note-\(ProcessInfo.processInfo.processIdentifier).md").path
        let marker = "<!-- reader: lines starting with this marker are ignored. "
        var template = initial
        if let hint { template += (template.isEmpty ? "\n" : "\n") + marker + hint + " -->\n" }
        guard FileManager.default.createFile(atPath: path, contents: Data(template.utf8)) else {
            throw CLIError("cannot create a temporary file for the editor in \(FileManager.default.temporaryDirectory.path)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", editor + " \"$1\"", "sh", path]
        do { try process.run() } catch { throw CLIError("cannot start the editor '\(editor)': \(error.localizedDescription); set EDITOR or give the text as an argument") }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError("the editor '\(editor)' exited with status \(process.terminationStatus); nothing was saved")
        }
        let saved = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let body = saved.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix(marker) }.joined(separator: "\n")
        guard body.contains(where: { !$0.isWhitespace }) else { throw CLIError("the note is empty; nothing was saved") }
        return body.trimmingCharacters(in: .newlines)
    }
}
