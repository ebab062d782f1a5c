import Crypto
import Foundation
import Model
import NIOCore
import NIOPosix
import Synchronization

/// Blobs as files in a folder (by default the server database's path with `.blobs`
/// appended): `<folder>/<library key>/sha256/ab/<hex>`, written through a temporary
/// file in `<folder>/tmp` that is hashed as it is written, flushed to disk and renamed
/// into place (then the folder flushed), so that a kill or a power cut leaves either
/// no blob or the whole blob.
///
/// The bytes a library's blobs take are counted once per process and then kept up
/// to date; `reader-server gc` and another instance's uploads are seen at the next
/// start.
public final class DirectoryBlobStore: BlobStore {
    /// The folder.
    public let root: URL
    private let usages = Mutex<[Int64: Int64]>([:])

    /// A store in `folder` (created when missing).
    public init(folder: URL) throws {
        root = folder
        try Self.makeFolder(root.appendingPathComponent("tmp"))
    }

    /// The store beside a server database: `<database>.blobs`.
    public convenience init(besideDatabase path: String) throws {
        try self.init(folder: URL(fileURLWithPath: path + ".blobs", isDirectory: true))
    }

    func folder(of library: ServerLibrary) -> URL {
        root.appendingPathComponent(String(library.key), isDirectory: true).appendingPathComponent("sha256", isDirectory: true)
    }

    func path(of hash: FileHash, in library: ServerLibrary) -> URL {
        folder(of: library).appendingPathComponent(String(hash.hex.prefix(2)), isDirectory: true).appendingPathComponent(hash.hex)
    }

    public func blob(_ hash: FileHash, in library: ServerLibrary) async throws -> StoredBlob? {
        let file = path(of: hash, in: library)
        var information = stat()
        guard stat(file.path, &information) == 0, (information.st_mode & S_IFMT) == S_IFREG else { return nil }
        return StoredBlob(hash: hash, size: Int64(information.st_size), path: file.path,
                          storedAt: Date(timeIntervalSince1970: TimeInterval(information.st_mtim.tv_sec)))
    }

    public func missing(_ hashes: [FileHash], in library: ServerLibrary) async throws -> [FileHash] {
        var seen = Set<FileHash>()
        var missing: [FileHash] = []
        for hash in hashes where seen.insert(hash).inserted {
            if access(path(of: hash, in: library).path, F_OK) != 0 { missing.append(hash) }
        }
        return missing
    }

    public func usage(of library: ServerLibrary) async throws -> Int64 {
        if let known = usages.withLock({ $0[library.key] }) { return known }
        let total = try await inventory(of: library).reduce(Int64(0)) { $0 + $1.size }
        return usages.withLock { usages in
            if let known = usages[library.key] { return known }
            usages[library.key] = total
            return total
        }
    }

    public func receive(_ hash: FileHash, into library: ServerLibrary) async throws -> BlobUpload {
        let temporary = root.appendingPathComponent("tmp").appendingPathComponent(UUID().uuidString.lowercased())
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError("cannot create \(temporary.path): \(String(cString: strerror(errno)))") }
        return DirectoryBlobUpload(store: self, library: library, hash: hash, temporary: temporary, descriptor: descriptor)
    }

    public func inventory(of library: ServerLibrary) async throws -> [StoredBlob] {
        let top = folder(of: library)
        guard let shards = try? FileManager.default.contentsOfDirectory(atPath: top.path) else { return [] }
        var blobs: [StoredBlob] = []
        for shard in shards.sorted() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: top.appendingPathComponent(shard).path)) ?? []
            for name in names.sorted() {
                guard let hash = FileHash(name), hash.hex.hasPrefix(shard), let blob = try await blob(hash, in: library) else { continue }
                blobs.append(blob)
            }
        }
        return blobs
    }

    public func remove(_ hash: FileHash, from library: ServerLibrary) async throws {
        guard let blob = try await blob(hash, in: library), unlink(blob.path) == 0 else { return }
        usages.withLock { usages in usages[library.key].map { usages[library.key] = $0 - blob.size } }
    }

    public func removeAbandonedUploads(olderThan date: Date) async throws -> Int {
        let folder = root.appendingPathComponent("tmp")
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let file = folder.appendingPathComponent(name)
            var information = stat()
            guard stat(file.path, &information) == 0,
                  Date(timeIntervalSince1970: TimeInterval(information.st_mtim.tv_sec)) < date else { continue }
            if unlink(file.path) == 0 { removed += 1 }
        }
        return removed
    }

    /// Puts a flushed temporary file under its hash; false when the blob was there.
    fileprivate func place(_ temporary: URL, as hash: FileHash, size: Int64, in library: ServerLibrary) throws -> Bool {
        let destination = path(of: hash, in: library)
        if access(destination.path, F_OK) == 0 {
            unlink(temporary.path)
            return false
        }
        let folder = destination.deletingLastPathComponent()
        try Self.makeFolder(folder)
        chmod(temporary.path, 0o444)
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw StoreError("cannot move a blob into \(folder.path): \(reason)")
        }
        let directory = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 { fsync(directory); close(directory) }
        usages.withLock { usages in usages[library.key].map { usages[library.key] = $0 + size } }
        return true
    }

    static func makeFolder(_ folder: URL) throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError("cannot create the folder \(folder.path): \(error.localizedDescription)")
        }
    }
}

/// One upload into a ``DirectoryBlobStore``.
final class DirectoryBlobUpload: BlobUpload {
    private struct State {
        var descriptor: Int32
        var hasher = Crypto.SHA256()
        var received: Int64 = 0
    }

    private let store: DirectoryBlobStore
    private let library: ServerLibrary
    private let hash: FileHash
    private let temporary: URL
    private let state: Mutex<State>

    init(store: DirectoryBlobStore, library: ServerLibrary, hash: FileHash, temporary: URL, descriptor: Int32) {
        self.store = store; self.library = library; self.hash = hash; self.temporary = temporary
        state = Mutex(State(descriptor: descriptor))
    }

    deinit { abandon() }

    var received: Int64 { state.withLock { $0.received } }

    func write(_ bytes: ByteBuffer) async throws {
        try state.withLock { state in
            guard state.descriptor >= 0 else { throw StoreError("the upload was closed") }
            try bytes.withUnsafeReadableBytes { chunk in
                state.hasher.update(bufferPointer: chunk)
                var written = 0
                while written < chunk.count {
                    let result = Foundation.write(state.descriptor, chunk.baseAddress! + written, chunk.count - written)
                    if result < 0, errno == EINTR { continue }
                    guard result > 0 else { throw StoreError("cannot write a blob: \(String(cString: strerror(errno)))") }
                    written += result
                }
            }
            state.received += Int64(bytes.readableBytes)
        }
    }

    func finish() async throws -> BlobUploadOutcome {
        let (descriptor, digest, size) = state.withLock { state in
            let taken = (state.descriptor, state.hasher.finalize(), state.received)
            state.descriptor = -1
            return taken
        }
        guard descriptor >= 0 else { throw StoreError("the upload was closed") }
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        guard let actual = FileHash(hex), actual == hash else {
            close(descriptor)
            unlink(temporary.path)
            return .mismatch(actual: FileHash(hex) ?? hash, size: size)
        }
        // Flushed before it is named, on a thread of NIO's pool: an fsync can take a while.
        let flushed = try await NIOThreadPool.singleton.runIfActive { () -> Int32 in
            let result = fsync(descriptor)
            close(descriptor)
            return result
        }
        guard flushed == 0 else {
            unlink(temporary.path)
            throw StoreError("cannot flush a blob to disk")
        }
        return try store.place(temporary, as: hash, size: size, in: library) ? .stored : .alreadyStored
    }

    func abandon() {
        let descriptor = state.withLock { state in
            let descriptor = state.descriptor
            state.descriptor = -1
            return descriptor
        }
        guard descriptor >= 0 else { return }
        close(descriptor)
        unlink(temporary.path)
    }
}
