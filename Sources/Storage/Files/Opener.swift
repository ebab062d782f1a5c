import Foundation

/// Opens a file or an address with the user's program: `$READER_OPENER`, else
/// `xdg-open` (`open` on macOS). `reader open` and `reader serve --open` share it.
///
/// The opener may carry arguments (`READER_OPENER="zathura --fork"`); the target is
/// passed as one word, never through the shell's parsing.
public enum Opener {
    /// Why the opener could not open something.
    public struct Failure: Error, CustomStringConvertible {
        /// The opener's command.
        public var opener: String
        /// What went wrong.
        public var reason: String
        public var description: String { reason }
    }

    /// The opener's command.
    public static var command: String {
        #if os(macOS)
        let fallback = "open"
        #else
        let fallback = "xdg-open"
        #endif
        return ProcessInfo.processInfo.environment["READER_OPENER"].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
    }

    /// Runs the opener on `target` (a path or a URL) and waits for it.
    public static func open(_ target: String) throws(Failure) {
        let opener = command
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", opener + " \"$1\"", "reader-open", target]
        do {
            try process.run()
        } catch {
            throw Failure(opener: opener, reason: "cannot run \(opener): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(opener: opener, reason: "\(opener) could not open \(target) (status \(process.terminationStatus))")
        }
    }
}
