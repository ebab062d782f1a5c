import Foundation
import Lookup
import Model
import Storage
import Sync
import Synchronization

extension SyncCommand.RunSync {
    /// Prints what the files of a sync would move (`reader sync --dry-run`).
    static func printPlan(_ plan: FilePlan, changesIncoming: Bool) async throws {
        print("would send \(count(plan.uploads))\(plan.alreadyOnServer.isEmpty ? "" : "; \(plan.alreadyOnServer.count) more the server has already")")
        for file in plan.uploads { print("  up    \(ByteCount.text(file.size).padding(toLength: 10, withPad: " ", startingAt: 0)) \(describe(file))") }
        print("would receive \(count(plan.downloads))" + (changesIncoming ? ", as the records here stand (the changes the server has may name more)" : ""))
        for file in plan.downloads { print("  down  \(ByteCount.text(file.size).padding(toLength: 10, withPad: " ", startingAt: 0)) \(describe(file))") }
    }

    /// Prints what the files of a sync did: only what happened.
    static func printFiles(_ report: FileSyncReport) {
        var parts: [String] = []
        if !report.uploaded.isEmpty || report.alreadyOnServer > 0 {
            parts.append("sent \(count(report.uploaded))" + (report.alreadyOnServer > 0 ? " (\(report.alreadyOnServer) the server had already)" : ""))
        }
        if !report.downloaded.isEmpty { parts.append("received \(count(report.downloaded))") }
        if !parts.isEmpty { print("files: " + parts.joined(separator: ", ")) }
        if !report.notOnServer.isEmpty {
            print("files: \(report.notOnServer.count) wanted here \(report.notOnServer.count == 1 ? "is" : "are") not on the server yet (no machine has sent \(report.notOnServer.count == 1 ? "it" : "them")):")
            for file in report.notOnServer { print("  \(describe(file))") }
        }
        for failure in report.failed {
            print("  file not \(failure.direction == .up ? "sent" : "received"): \(describe(failure.file)): \(failure.reason)")
        }
        if let quota = report.quota {
            let usage = quota.usedBytes.map { used in " (\(ByteCount.text(used)) of \(quota.quotaBytes.map(ByteCount.text) ?? "?") used)" } ?? ""
            print("the library's file quota on the server is full\(usage): \(count(report.waiting)) wait to be sent; the records are synced. Free room on the server (or raise --quota), then run `reader sync` again.")
        }
        if let reason = report.interrupted {
            print("files stopped: \(reason)")
        }
    }

    /// Over the budget after files came down: the least recently opened files that
    /// the server holds and no kept paper needs go.
    static func keepWithinBudget(_ store: Library) throws {
        let files = PaperFiles(library: store)
        let plan = try files.evictionPlan()
        guard !plan.files.isEmpty else { return }
        try files.evict(plan)
        printError("Over the budget of \(ByteCount.text(plan.budget)): removed \(plan.files.count) file\(plan.files.count == 1 ? "" : "s") no kept paper needs (the server keeps them; their text stays searchable).")
    }

    /// "3 files (12.4 MiB)".
    static func count(_ files: [Library.FileTransfer]) -> String {
        let bytes = files.reduce(Int64(0)) { $0 + $1.size }
        return "\(files.count) file\(files.count == 1 ? "" : "s")" + (files.isEmpty ? "" : " (\(ByteCount.text(bytes)))")
    }

    /// A file as a person knows it: its paper, and its name.
    static func describe(_ file: Library.FileTransfer) -> String {
        let title = file.paperTitle.isEmpty ? "sha256 \(file.hash.short)…" : file.paperTitle
        return title + (file.name.map { " (\($0))" } ?? "")
    }
}

/// The progress of a sync's files on standard error: a bar per direction on a
/// terminal, a line per file otherwise.
final class FileProgress: Sendable {
    private let quiet: Bool
    private let current = Mutex<(direction: FileSyncProgress.Direction, view: FetchProgress)?>(nil)

    init(quiet: Bool) { self.quiet = quiet }

    func show(_ progress: FileSyncProgress) {
        current.withLock { current in
            if current?.direction != progress.direction {
                current?.view.end()
                current = (progress.direction, FetchProgress(total: progress.count, quiet: quiet,
                                                              label: progress.direction == .up ? "sending files" : "receiving files", noun: "files"))
            }
            guard let view = current?.view else { return }
            if progress.done {
                let verb = progress.direction == .up ? "sent" : "received"
                view.finish(slot: progress.slot, bytes: progress.bytes, line: "\(verb): \(SyncCommand.RunSync.describe(progress.file)) (\(ByteCount.text(progress.bytes)))")
            } else {
                view.update(slot: progress.slot, received: progress.bytes)
            }
        }
    }

    func end() {
        current.withLock { $0?.view.end() }
    }
}
