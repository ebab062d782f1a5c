import Foundation
import Lookup
import Model
import Storage
import SyncWire

/// Moves papers' files between this machine and the sync server, after the records
/// (`reader sync`): uploads the files here that the server lacks, then downloads
/// the files this machine's offline policy wants and does not have.
///
/// The server is asked once which of the files waiting to go up it lacks; a file it
/// holds is marked as held (with the server's epoch: a restored or another server
/// is asked again) and never asked about or sent again, so that a sync with nothing
/// new costs no request for files. Every file is checked against its hash on the
/// other side (the server refuses an upload that does not match; a download that
/// does not match never enters the store). An interrupted download resumes where it
/// stopped; an interrupted upload is sent again whole at the next sync, and the
/// server stores nothing of it meanwhile.
///
/// Up to ``jobs`` files move at once each way: each file is flushed to disk and
/// recorded before it counts as moved (on the server before its answer, here before
/// the library notes it), and with one file at a time those waits, not the network,
/// set the pace of many small files.
///
/// ```swift
/// let files = FileSync(library: library, transport: transport)
/// let report = await files.run()
/// ```
public struct FileSync: Sendable {
    /// The library whose files move.
    public let library: Library
    /// How the server is reached.
    public let transport: any BlobTransport
    /// The largest file downloaded.
    public var maxSize: Int64
    /// How many files move at once (1: one after the other, in order).
    public var jobs: Int
    /// Called as files move, from any thread.
    public var progress: (@Sendable (FileSyncProgress) -> Void)?

    /// Creates a file sync.
    public init(library: Library, transport: any BlobTransport, maxSize: Int64 = 200 * 1_048_576, jobs: Int = 3,
                progress: (@Sendable (FileSyncProgress) -> Void)? = nil) {
        self.library = library; self.transport = transport; self.maxSize = maxSize; self.jobs = max(1, jobs); self.progress = progress
    }

    /// Uploads, then downloads. Failures of single files are in the report; a server
    /// that cannot be reached stops the run (``FileSyncReport/interrupted``), and
    /// what was done stays done.
    public func run() async throws -> FileSyncReport {
        var report = FileSyncReport()
        do {
            try await upload(&report)
            try await download(&report)
        } catch let error as SyncError {
            guard case .unreachable = error else { throw error }
            report.interrupted = error.description
        }
        return report
    }

    /// What a run would move, without moving or writing anything: the server is asked
    /// which of the files waiting to go up it lacks.
    public func plan() async throws -> FilePlan {
        let waiting = try library.filesToUpload()
        let missing = Set(try await missing(waiting.map(\.hash)))
        return FilePlan(uploads: waiting.filter { missing.contains($0.hash) },
                        alreadyOnServer: waiting.filter { !missing.contains($0.hash) },
                        downloads: try library.filesToDownload())
    }

    /// Those of `hashes` the server lacks, asked in as few requests as the protocol allows.
    func missing(_ hashes: [FileHash]) async throws -> [FileHash] {
        var missing: [FileHash] = []
        var start = 0
        while start < hashes.count {
            let end = min(start + BlobsMissingRequest.maxHashes, hashes.count)
            missing += try await transport.missingBlobs(Array(hashes[start..<end]))
            start = end
        }
        return missing
    }

    /// How one upload ended.
    enum UploadOutcome: Sendable { case sent, quotaFull(FileSyncReport.Quota), failed(String) }

    func upload(_ report: inout FileSyncReport) async throws {
        let waiting = try library.filesToUpload()
        guard !waiting.isEmpty else { return }
        let missing = Set(try await missing(waiting.map(\.hash)))
        let held = waiting.filter { !missing.contains($0.hash) }
        try library.noteOnServer(held.map(\.hash))
        report.alreadyOnServer = held.count
        let uploads = waiting.filter { missing.contains($0.hash) }
        var full: [Int] = []
        let started = try await moveEach(uploads, direction: .up, stopping: { outcome in
            if case .quotaFull = outcome { return true } else { return false }
        }, { position in try await upload(position) }) { index, outcome in
            switch outcome {
            case .sent: report.uploaded.append(uploads[index])
            case .quotaFull(let quota):
                // The records are in; the files wait for room.
                report.quota = quota
                full.append(index)
            case .failed(let reason): report.failed.append(FileFailure(direction: .up, file: uploads[index], reason: reason))
            }
        }
        if report.quota != nil {
            report.waiting = (full + Array(started..<uploads.count)).sorted().map { uploads[$0] }
        }
    }

    func upload(_ position: FileSyncProgress) async throws -> UploadOutcome {
        let file = position.file
        let progress = self.progress
        do {
            _ = try await transport.uploadBlob(file.hash, from: library.files.path(of: file.hash), size: file.size,
                                               progress: progress.map { report in { @Sendable sent in report(position.with(bytes: sent)) } })
            try library.noteOnServer([file.hash])
            progress?(position.with(bytes: file.size, done: true))
            return .sent
        } catch SyncError.server(_, let error) where error.code == .quotaExceeded {
            return .quotaFull(FileSyncReport.Quota(usedBytes: error.usedBytes, quotaBytes: error.quotaBytes))
        } catch SyncError.server(let status, let error) where status != 401 {
            return .failed(Self.reason(error))
        } catch SyncError.badResponse(_, let reason) {
            return .failed(reason)
        }
    }

    func download(_ report: inout FileSyncReport) async throws {
        let wanted = try library.filesToDownload()
        _ = try await moveEach(wanted, direction: .down, stopping: { _ in false }, { position in try await fetch(position.file, position: position) }) { index, outcome in
            switch outcome {
            case .success: report.downloaded.append(wanted[index])
            case .failure(.notOnServer): report.notOnServer.append(wanted[index])
            case .failure(.failed(let reason)): report.failed.append(FileFailure(direction: .down, file: wanted[index], reason: reason))
            }
        }
    }

    /// Runs `body` for each file, up to ``jobs`` at once, and hands each outcome to
    /// `record` in the calling task. After an outcome for which `stop` is true no file
    /// starts. A throw stops the others and is rethrown. Returns how many started.
    func moveEach<Outcome: Sendable>(_ files: [Library.FileTransfer], direction: FileSyncProgress.Direction,
                                  stopping stop: (Outcome) -> Bool,
                                  _ body: @escaping @Sendable (FileSyncProgress) async throws -> Outcome,
                                  record: (Int, Outcome) -> Void) async throws -> Int {
        try await withThrowingTaskGroup(of: (Int, Int, Outcome).self) { group in
            var next = 0
            var stopped = false
            func start(_ index: Int, slot: Int) {
                let position = FileSyncProgress(direction: direction, file: files[index], index: index, count: files.count, bytes: 0, slot: slot)
                group.addTask { (index, slot, try await body(position)) }
            }
            while next < min(jobs, files.count) {
                start(next, slot: next)
                next += 1
            }
            while let (index, slot, outcome) = try await group.next() {
                record(index, outcome)
                stopped = stopped || stop(outcome)
                if !stopped, next < files.count {
                    start(next, slot: slot)
                    next += 1
                }
            }
            return next
        }
    }

    /// Downloads a paper's file from the server so that it can be opened here: its
    /// PDF first. Nil when the server has none of its files.
    public func download(fileOf paperID: UUID) async throws -> Attachment? {
        let attachments = try library.attachments(of: paperID).sorted { ($0.kind == .pdf ? 0 : 1) < ($1.kind == .pdf ? 0 : 1) }
        var reasons: [String] = []
        for attachment in attachments {
            let file = Library.FileTransfer(hash: attachment.sha256, size: attachment.size, kind: attachment.kind,
                                            name: attachment.name, paperTitle: "")
            switch try await fetch(file, position: FileSyncProgress(direction: .down, file: file, index: 0, count: 1, bytes: 0)) {
            case .success: return attachment
            case .failure(.notOnServer): continue
            case .failure(.failed(let reason)): reasons.append(reason)
            }
        }
        if let reason = reasons.first { throw SyncError.badResponse(url: "the sync server", reason: reason) }
        return nil
    }

    enum DownloadFailure: Error { case notOnServer, failed(String) }

    /// Downloads one file into the store and records it as here and held by the
    /// server; its text goes into the page index. Unreachable servers throw.
    func fetch(_ file: Library.FileTransfer, position: FileSyncProgress) async throws -> Result<Void, DownloadFailure> {
        let progress = self.progress
        do {
            let stored = try await transport.downloadBlob(file.hash, into: library.files, maxSize: maxSize,
                                                          progress: progress.map { report in { @Sendable received in report(position.with(bytes: received)) } })
            try library.noteDownloaded(stored)
            _ = PaperFiles(library: library).indexText(of: stored.hash, kind: stored.kind)
            progress?(position.with(bytes: stored.size, done: true))
            return .success(())
        } catch SyncError.server(let status, let error) where status != 401 {
            return .failure(error.code == .notFound ? .notOnServer : .failed(Self.reason(error)))
        } catch SyncError.badResponse(_, let reason) {
            return .failure(.failed(reason))
        }
    }

    /// A server's refusal of one file, in words.
    static func reason(_ error: WireErrorBody) -> String {
        switch error.code {
        case .payloadTooLarge: "it is larger than the server accepts (\(error.message))"
        case .hashMismatch: "the file here is damaged (its bytes no longer have their hash); `reader doctor --repair` removes it"
        default: "the server refused it (\(error.error)): \(error.message)"
        }
    }
}

/// The files a sync would move.
public struct FilePlan: Hashable, Sendable {
    /// Files here that the server lacks.
    public var uploads: [Library.FileTransfer]
    /// Files here that the server holds already (only marked, not sent).
    public var alreadyOnServer: [Library.FileTransfer]
    /// Files the offline policy wants that are not here.
    public var downloads: [Library.FileTransfer]
}

/// A file that could not move, and why.
public struct FileFailure: Hashable, Sendable {
    /// Which way it was going.
    public var direction: FileSyncProgress.Direction
    /// The file.
    public var file: Library.FileTransfer
    /// Why, in words.
    public var reason: String
}

/// What the file part of a sync did.
public struct FileSyncReport: Hashable, Sendable {
    /// The library's usage and quota on the server, when it is full.
    public struct Quota: Hashable, Sendable {
        public var usedBytes: Int64?, quotaBytes: Int64?
    }

    /// Files sent to the server.
    public var uploaded: [Library.FileTransfer] = []
    /// Files the server turned out to hold already.
    public var alreadyOnServer = 0
    /// Files received from the server.
    public var downloaded: [Library.FileTransfer] = []
    /// Files wanted here that no machine has sent to the server yet.
    public var notOnServer: [Library.FileTransfer] = []
    /// Files that could not move.
    public var failed: [FileFailure] = []
    /// Set when the library's quota on the server is full: ``waiting`` stay queued.
    public var quota: Quota?
    /// Files left to upload because the quota is full.
    public var waiting: [Library.FileTransfer] = []
    /// Why the run stopped early (the server could not be reached), if it did.
    public var interrupted: String?

    /// Whether every file that should have moved did (files no machine has sent yet
    /// are not a failure of this one).
    public var isComplete: Bool { failed.isEmpty && quota == nil && interrupted == nil }
}

/// How far the files of a sync have got.
public struct FileSyncProgress: Hashable, Sendable {
    /// Up to the server, or down from it.
    public enum Direction: String, Hashable, Sendable { case up, down }

    /// Which way.
    public var direction: Direction
    /// The file moving.
    public var file: Library.FileTransfer
    /// Its place among the files going the same way, and how many there are.
    public var index: Int, count: Int
    /// Its bytes moved so far.
    public var bytes: Int64
    /// Which of the transfers running at once carries it (0 ..< ``FileSync/jobs``).
    public var slot: Int
    /// Whether it has arrived.
    public var done: Bool

    /// Creates a progress report.
    public init(direction: Direction, file: Library.FileTransfer, index: Int, count: Int, bytes: Int64, slot: Int = 0, done: Bool = false) {
        self.direction = direction; self.file = file; self.index = index; self.count = count; self.bytes = bytes; self.slot = slot; self.done = done
    }

    func with(bytes: Int64, done: Bool = false) -> FileSyncProgress {
        var copy = self
        copy.bytes = bytes
        copy.done = done
        return copy
    }
}
