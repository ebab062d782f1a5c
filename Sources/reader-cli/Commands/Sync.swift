import Synchronization
import ArgumentParser
import Foundation
import Model
import Storage
import Sync

/// `reader sync`: push, then pull until nothing is left.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync the library with its remote: send local changes, receive everyone else's.",
        subcommands: [RunSync.self, SyncStatus.self],
        defaultSubcommand: RunSync.self
    )

    struct RunSync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Push then pull until nothing is left (the default), then move papers' files.",
            discussion: """
                Records go first; then the files here that the server lacks go up, and the \
                files the offline policy wants (`reader offline`) come down. Safe to interrupt \
                at any point: run it again to finish (a download resumes where it stopped).
                """
        )
        @Flag(help: "Show what would be sent and what the server has, without writing anything.") var dryRun = false
        @Flag(help: "Sync records only: no file goes up or down.") var noFiles = false
        @Option(name: .customLong("max-size"), help: "The largest file downloaded (default 200MiB).") var maxSize: String = "200MiB"
        @Flag(name: .shortAndLong, help: "No progress on standard error.") var quiet = false
        @Flag(help: "Keep syncing while running: another machine's edits arrive within a second, and this one's go out as they are made. Ctrl-C stops.")
        var watch = false
        @OptionGroup var library: LibraryOptions

        func validate() throws {
            if watch && dryRun { throw ValidationError("--watch and --dry-run do not go together: --dry-run writes nothing, --watch keeps syncing") }
        }

        func run() async throws {
            let store = try library.open()
            let transport = try Self.transport(for: store)
            if watch { return try await keepWatching(store, transport) }
            let shown = ProgressLine()
            let engine = SyncEngine(library: store, transport: transport, progress: { progress in
                // A line every 50,000 changes: long syncs show they move, short ones stay quiet.
                guard shown.advance(progress.phase, to: progress.done / 50_000) else { return }
                FileHandle.standardError.write(Data("\(progress.phase): \(progress.done) changes\(progress.cursor.map { " (cursor \($0))" } ?? "")\n".utf8))
            })
            if dryRun {
                let report = try await engine.dryRun()
                let pending = report.pending.values.reduce(0, +)
                print("would send \(pending) field change\(pending == 1 ? "" : "s")\(Self.breakdown(report.pending))")
                if !report.held.isEmpty { print("\(report.held.count) change\(report.held.count == 1 ? "" : "s") set aside (no server accepts them): not sent") }
                if let batch = report.batchInFlight { print("a batch is in flight (nseq \(batch.lowerBound)-\(batch.upperBound)): it is sent again first") }
                let incoming = report.incoming.values.reduce(0, +)
                print("the server has \(incoming) field change\(incoming == 1 ? "" : "s") after cursor \(report.cursor) (head \(report.headSeq))\(Self.breakdown(report.incoming))")
                if report.clockOffsetMillis != 0 { print("this clock is \(-report.clockOffsetMillis) ms off the server's") }
                if !noFiles { try await Self.printPlan(try await files(store, transport).plan(), changesIncoming: incoming > 0) }
                print("nothing was written")
                return
            }
            let report = try await engine.sync()
            if report.becameNewNode { print("this library file is a copy or a restore: it now syncs as a new device (nothing is lost)") }
            if report.serverRestored { print("the server was restored or reset: every local change was sent again") }
            if report.restamped > 0 {
                print("this machine's clock is \(-report.clockOffsetMillis / 1000) s off the server's: \(report.restamped) change\(report.restamped == 1 ? "" : "s") stamped again with the corrected time; please fix the clock")
            }
            let rebased = report.rebased == 0 ? "" : ", \(report.rebased) made from an older text (merged or kept as a conflict copy)"
            print("sent \(report.sent) field change\(report.sent == 1 ? "" : "s") in \(report.batches) batch\(report.batches == 1 ? "" : "es"): \(report.applied) applied, \(report.superseded) superseded by later edits\(rebased), \(report.rejected.count) rejected")
            for reason in report.rejected { print("  rejected: \(reason)") }
            if report.setAside > 0 {
                print("set aside \(report.setAside) change\(report.setAside == 1 ? "" : "s") the server refuses as invalid; the rest was sent (`reader sync status` lists them, `reader doctor --repair` fixes bad clocks)")
            }
            print("received \(report.received) field change\(report.received == 1 ? "" : "s") in \(report.pages) page\(report.pages == 1 ? "" : "s"): \(report.created) records new, \(report.updated) updated, \(report.purged) purged")
            if report.merged > 0 { print("merged \(report.merged) text\(report.merged == 1 ? "" : "s") with the server's, line by line") }
            for copy in report.conflictCopies {
                print("conflict: a note was edited here and elsewhere on the same lines; your text is kept in conflict copy \(copy.suffix(8)) (reader note list)")
            }
            print("synced to cursor \(report.cursor)")
            guard !noFiles else { return }
            let progress = FileProgress(quiet: quiet)
            let moved = try await files(store, transport, progress: progress).run()
            progress.end()
            Self.printFiles(moved)
            try Self.keepWithinBudget(store)
            if !moved.isComplete { throw ExitCode(1) }
        }

        func files(_ store: Library, _ transport: HTTPTransport, progress: FileProgress? = nil) throws -> FileSync {
            FileSync(library: store, transport: transport, maxSize: try FileOptions.size(maxSize, option: "--max-size"),
                     progress: progress.map { view in { @Sendable event in view.show(event) } })
        }

        static func breakdown(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "" : " (" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }

        static func transport(for store: Library) throws -> HTTPTransport {
            guard let remote = try store.syncState().remote else {
                throw CLIError("no remote is set: reader remote set http://HOST:PORT/v1/libraries/NAME --token TOKEN")
            }
            let environment = ProcessInfo.processInfo.environment
            guard let token = environment["READER_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 }) ?? remote.token else {
                throw CLIError("no token: reader remote set \(remote.url) --token TOKEN, or set READER_TOKEN")
            }
            let timeout = environment["READER_HTTP_TIMEOUT"].flatMap(TimeInterval.init) ?? 30
            return try HTTPTransport(libraryURL: remote.url, token: token, timeout: timeout)
        }
    }

    struct SyncStatus: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show pending changes and files, changes set aside, the last sync, the cursor and the clock offset.")
        @OptionGroup var library: LibraryOptions
        @OptionGroup var output: JSONOption

        func run() throws {
            let store = try library.open()
            let state = try store.syncState()
            let up = try store.filesToUpload(), down = try store.filesToDownload()
            func files(_ files: [Library.FileTransfer]) -> JSONValue {
                .array(files.map { .object(["sha256": .string($0.hash.hex), "size": .int($0.size), "paper": .string($0.paperTitle), "name": $0.name.map(JSONValue.string) ?? .null]) })
            }
            let last = state.lastSyncMillis.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double($0) / 1000)) }
            if output.json {
                Render.json(.object([
                    "remote": state.remote.map { .string($0.url) } ?? .null,
                    "pending_field_changes": .int(Int64(state.pendingFields)), "pending_records": .int(Int64(state.pendingRecords)),
                    "set_aside": .array(state.held.map { .object(["entity": .string($0.entity), "id": .string($0.id), "field": .string($0.field), "reason": .string($0.reason)]) }),
                    "batch_in_flight": state.batchInFlight.map { .object(["first_nseq": .int($0.lowerBound), "last_nseq": .int($0.upperBound)]) } ?? .null,
                    "last_sync": last.map(JSONValue.string) ?? .null, "cursor": .int(state.cursor),
                    "clock_offset_ms": .int(state.clockOffsetMillis), "node": .string(state.node.description),
                    "files_to_send": files(up), "files_to_receive": files(down),
                ]))
                return
            }
            print("remote          \(state.remote?.url ?? "none")")
            print("pending         \(Render.pending(fields: state.pendingFields, records: state.pendingRecords))")
            print("files to send   \(RunSync.count(up))")
            for file in up { print("  \(RunSync.describe(file))") }
            print("files to get    \(RunSync.count(down))")
            for file in down { print("  \(RunSync.describe(file))") }
            if !state.held.isEmpty {
                print("set aside       \(state.held.count) change\(state.held.count == 1 ? "" : "s") no server accepts (`reader doctor --repair` stamps bad clocks again):")
                for change in state.held { print("  \(change.entity) \(change.id.prefix(8)) \(change.field): \(change.reason)") }
            }
            if let batch = state.batchInFlight { print("batch in flight nseq \(batch.lowerBound)-\(batch.upperBound) (sent again by the next sync)") }
            print("last sync       \(last ?? "never")")
            print("cursor          \(state.cursor)")
            print("clock offset    \(state.clockOffsetMillis) ms")
            print("node            \(state.node)")
        }
    }
}

/// Remembers the last progress step printed, per phase.
private final class ProgressLine: Sendable {
    private let steps = Mutex<[String: Int]>([:])

    /// Whether `step` is new for `phase` (and not zero).
    func advance(_ phase: String, to step: Int) -> Bool {
        steps.withLock { steps in
            guard step > 0, step > steps[phase, default: 0] else { return false }
            steps[phase] = step
            return true
        }
    }
}
