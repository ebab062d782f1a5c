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
    /// Called as files move, from any thread.
    public var progress: (@Sendable (FileSyncProgress) -> Void)?

    /// Creates a file sync.
    public init(library: Library, transport: any BlobTransport, maxSize: Int64 = 200 * 1_048_576,
                progress: (@Sendable (FileSyncProgress) -> Void)? = nil) {
        self.library = library; self.transport = transport; self.maxSize = maxSize; self.progress = progress
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

    func upload(_ report: inout FileSyncReport) async throws {
        let waiting = try library.filesToUpload()
        guard !waiting.isEmpty else { return }
        let missing = Set(try await missing(waiting.map(\.hash)))
        let held = waiting.filter { !missing.contains($0.hash) }
        try library.noteOnServer(held.map(\.hash))
        report.alreadyOnServer = held.count
        let uploads = waiting.filter { missing.contains($0.hash) }
        let store = library.files
        for (index, file) in uploads.enumerated() {
            let progress = self.progress
            let position = FileSyncProgress(direction: .up, file: file, index: index, count: uploads.count, bytes: 0)
            do {
                _ = try await transport.uploadBlob(file.hash, from: store.path(of: file.hash), size: file.size,
                                                   progress: progress.map { report in { @Sendable sent in report(position.with(bytes: sent)) } })
                try library.noteOnServer([file.hash])
                report.uploaded.append(file)
                progress?(position.with(bytes: file.size, done: true))
            } catch SyncError.server(_, let error) where error.code == .quotaExceeded {
                // The records are in; the files wait for room.
                report.quota = FileSyncReport.Quota(usedBytes: error.usedBytes, quotaBytes: error.quotaBytes)
                report.waiting = Array(uploads[index...])
                return
            } catch SyncError.server(let status, let error) where status != 401 {
                report.failed.append(FileFailure(direction: .up, file: file, reason: Self.reason(error)))
            } catch SyncError.badResponse(_, let reason) {
                report.failed.append(FileFailure(direction: .up, file: file, reason: reason))
            }
        }
    }

    func download(_ report: inout FileSyncReport) async throws {
        let wanted = try library.filesToDownload()
        for (index, file) in wanted.enumerated() {
            let position = FileSyncProgress(direction: .down, file: file, index: index, count: wanted.count, bytes: 0)
            switch try await fetch(file, position: position) {
            case .success:
                report.downloaded.append(file)
            case .failure(.notOnServer):
                report.notOnServer.append(file)
            case .failure(.failed(let reason)):
                report.failed.append(FileFailure(direction: .down, file: file, reason: reason))
            }
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
    /// Whether it has arrived.
    public var done = false

    func with(bytes: Int64, done: Bool = false) -> FileSyncProgress {
        var copy = self
        copy.bytes = bytes
        copy.done = done
        return copy
    }
}
