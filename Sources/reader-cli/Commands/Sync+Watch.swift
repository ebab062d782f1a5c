import Dispatch
import Foundation
import Model
import Storage
import Sync

extension SyncCommand.RunSync {
    /// The long poll's length: under the server's 60 s, and short enough that a
    /// proxy that closes silent connections after 30 s never sees it idle.
    static let longPollSeconds = 25

    /// `reader sync --watch`: syncs, then again whenever the server or another
    /// process has something, until Ctrl-C (exit 0).
    func keepWatching(_ store: Library, _ transport: HTTPTransport) async throws {
        let engine = SyncEngine(library: store, transport: transport)
        let node = try store.syncState().node
        let withFiles = !noFiles
        let maxSize = try FileOptions.size(self.maxSize, option: "--max-size")
        let watcher = SyncWatcher(
            sync: {
                let report = try await engine.sync()
                Self.printWatched(report)
                if withFiles {
                    let moved = try await FileSync(library: store, transport: transport, maxSize: maxSize).run()
                    if !moved.uploaded.isEmpty || !moved.downloaded.isEmpty || !moved.failed.isEmpty {
                        Self.printFiles(moved)
                        fflush(nil)
                    }
                    try Self.keepWithinBudget(store)
                }
                return report.cursor
            },
            waitForServer: { cursor in
                try await transport.waitForChanges(after: cursor, notPushedBy: node, upTo: Self.longPollSeconds).cursor > cursor
            },
            writeVersion: { try store.othersWriteVersion() },
            events: { event in
                if case .away(let reason, let delay) = event {
                    Self.say("\(reason) (trying again in \(Self.seconds(delay)))")
                }
            })
        print("watching \(transport.libraryURL.absoluteString): changes go both ways as they happen; Ctrl-C stops")
        fflush(nil)
        let task = Task { try await watcher.run() }
        // Ctrl-C and SIGTERM end the watch between two steps; the exit status is 0.
        let stops = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { stops.forEach { $0.cancel() } }
        try await task.value
        print("stopped watching; synced to cursor \(try store.syncState().cursor)")
    }

    /// One line per sync that moved something.
    static func printWatched(_ report: SyncReport) {
        guard report.sent > 0 || report.received > 0 || !report.conflictCopies.isEmpty || report.becameNewNode || report.serverRestored else { return }
        var parts: [String] = []
        if report.sent > 0 { parts.append("sent \(report.sent) field change\(report.sent == 1 ? "" : "s")") }
        if report.received > 0 {
            parts.append("received \(report.received) (\(report.created) records new, \(report.updated) updated\(report.purged > 0 ? ", \(report.purged) purged" : ""))")
        }
        say(parts.joined(separator: ", ") + ", cursor \(report.cursor)")
        for rejected in report.rejected { say("  rejected: \(rejected)") }
        for copy in report.conflictCopies {
            say("conflict: a note was edited here and elsewhere on the same lines; your text is kept in conflict copy \(copy.suffix(8)) (reader note list)")
        }
        if report.becameNewNode { say("this library file is a copy or a restore: it now syncs as a new device (nothing is lost)") }
        if report.serverRestored { say("the server was restored or reset: every local change was sent again") }
    }

    /// A line with the time of day, flushed at once (the watch runs for hours, often into a log).
    static func say(_ line: String) {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        print("\(formatter.string(from: Date())) \(line)")
        fflush(nil)
    }

    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        return String(format: "%.1f s", Double(whole) + Double(attoseconds) / 1e18)
    }
}
