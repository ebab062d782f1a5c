import Foundation
import Model

/// The library's files, content-addressed: each file is stored once, under the
/// SHA-256 of its bytes, beside the library (`<library>.files/sha256/ab/cd/<hex>`),
/// so that `--library`, `READER_LIBRARY` and several libraries each keep their own.
///
/// A stored file never changes. Every file enters through a temporary file in the
/// store's own folder that is written, hashed, flushed to disk and then renamed into
/// place (and the folder flushed), so that a kill or a power cut at any instant
/// leaves either no file or the whole file under its hash. Paths are made from a
/// ``FileHash`` only, never from a name or any other text from outside.
///
/// ```swift
/// let store = FileStore(libraryPath: library.path)
/// let file = try store.store(copying: URL(fileURLWithPath: "paper.pdf"))
/// store.path(of: file.hash)   // …/papers.sqlite.files/sha256/3a/7f/3a7f…
/// ```
public struct FileStore: Sendable {
    /// The store's folder: the library's path with `.files` appended.
    public let root: URL

    /// The store of the library at `libraryPath`.
    public init(libraryPath: String) {
        root = URL(fileURLWithPath: libraryPath + ".files", isDirectory: true)
    }

    /// What entered the store.
    public struct StoredFile: Hashable, Sendable {
        /// The hash of its bytes: its name.
        public var hash: FileHash
        /// Its size in bytes.
        public var size: Int64
        /// Its kind, from its first bytes.
        public var kind: Attachment.Kind
        /// Whether the same bytes were already stored (nothing was written).
        public var wasPresent: Bool
    }

    /// Where the file with this hash is (or would be) stored.
    public func path(of hash: FileHash) -> URL {
        let hex = hash.hex
        return root.appendingPathComponent("sha256", isDirectory: true)
            .appendingPathComponent(String(hex.prefix(2)), isDirectory: true)
            .appendingPathComponent(String(hex.dropFirst(2).prefix(2)), isDirectory: true)
            .appendingPathComponent(hex, isDirectory: false)
    }

    /// Whether the file with this hash is stored here.
    public func contains(_ hash: FileHash) -> Bool {
        FileManager.default.fileExists(atPath: path(of: hash).path)
    }

    /// The folder of downloads in progress, kept between runs so that they resume.
    public var partialFolder: URL { root.appendingPathComponent("partial", isDirectory: true) }

    /// The folder of files being written by a running process.
    var temporaryFolder: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    /// Stores a copy of the file at `source` (a file the user has), read once:
    /// hashed while it is copied.
    ///
    /// - Throws: ``FileStoreError`` when the file cannot be read or is over `maxSize`.
    public func store(copying source: URL, maxSize: Int64? = nil) throws(FileStoreError) -> StoredFile {
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileStoreError(path: source.path, reason: "cannot read it: \(Errno.text)") }
        defer { close(input) }
        var information = stat()
        if fstat(input, &information) == 0, (information.st_mode & S_IFMT) == S_IFDIR {
            throw FileStoreError(path: source.path, reason: "it is a folder, not a file")
        }
        let (temporary, output) = try makeTemporaryFile()
        let hasher = FileDigest()
        var size: Int64 = 0
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        do throws(FileStoreError) {
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count >= 0 else { throw FileStoreError(path: source.path, reason: "cannot read it: \(Errno.text)") }
                if count == 0 { break }
                size += Int64(count)
                if let maxSize, size > maxSize {
                    throw FileStoreError(path: source.path, reason: "it is larger than the limit of \(ByteCount.text(maxSize))")
                }
                buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
                if head.count < 1024 { head.append(contentsOf: buffer.prefix(min(count, 1024 - head.count))) }
                try writeAll(output, buffer, count: count, path: temporary.path)
            }
            guard let hash = hasher.finalize() else { throw FileStoreError(path: source.path, reason: "libcrypto failed to hash it") }
            let stored = try finish(temporary: temporary, descriptor: output, hash: hash, size: size, head: head)
            close(output)
            return stored
        } catch {
            close(output)
            unlink(temporary.path)
            throw error
        }
    }

    /// What a file holds, as the store names and sorts it.
    public struct Contents: Hashable, Sendable {
        /// The hash of its bytes.
        public var hash: FileHash
        /// Its size in bytes.
        public var size: Int64
        /// Its kind, from its first bytes.
        public var kind: Attachment.Kind
    }

    /// Reads a file to hash it.
    public func contents(of file: URL) throws(FileStoreError) -> Contents {
        let input = open(file.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileStoreError(path: file.path, reason: "cannot read it: \(Errno.text)") }
        defer { close(input) }
        let hashed = try hash(reading: input, path: file.path)
        return Contents(hash: hashed.hash, size: hashed.size, kind: Attachment.Kind(firstBytes: hashed.head))
    }

    /// Moves a finished file of this store's `partial` folder into the store under
    /// its hash: flushed to disk, then renamed. `contents` must have been made from
    /// these very bytes (by ``contents(of:)`` or an ``IncomingFile`` that saw them
    /// written), and the file must not change meanwhile.
    public func adopt(_ file: URL, contents: Contents) throws(FileStoreError) -> StoredFile {
        let input = open(file.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileStoreError(path: file.path, reason: "cannot read it: \(Errno.text)") }
        // Flushed before the rename: the name must never point at bytes still in a cache.
        guard fsync(input) == 0 || errno == EINVAL else {
            close(input)
            throw FileStoreError(path: file.path, reason: "cannot flush it to disk: \(Errno.text)")
        }
        close(input)
        if contains(contents.hash) {
            unlink(file.path)
            return StoredFile(hash: contents.hash, size: contents.size, kind: contents.kind, wasPresent: true)
        }
        try place(file, as: contents.hash)
        return StoredFile(hash: contents.hash, size: contents.size, kind: contents.kind, wasPresent: false)
    }

    /// The hash, size and first 1,024 bytes of an open file, read from where it is to its end.
    private func hash(reading input: Int32, path: String) throws(FileStoreError) -> (hash: FileHash, size: Int64, head: [UInt8]) {
        let hasher = FileDigest()
        var size: Int64 = 0
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw FileStoreError(path: path, reason: "cannot read it: \(Errno.text)") }
            if count == 0 { break }
            size += Int64(count)
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
            if head.count < 1024 { head.append(contentsOf: buffer.prefix(min(count, 1024 - head.count))) }
        }
        guard let hash = hasher.finalize() else { throw FileStoreError(path: path, reason: "libcrypto failed to hash it") }
        return (hash, size, head)
    }

    /// Reads a stored file again and says whether its bytes still have its hash.
    public func verify(_ hash: FileHash) throws(FileStoreError) -> Bool {
        let file = path(of: hash)
        let input = open(file.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileStoreError(path: file.path, reason: "cannot read it: \(Errno.text)") }
        defer { close(input) }
        return try self.hash(reading: input, path: file.path).hash == hash
    }

    /// Removes a stored file (nothing if it is not here).
    public func remove(_ hash: FileHash) {
        unlink(path(of: hash).path)
    }

    /// The hashes of every file stored here, with their sizes; files under names that
    /// are not hashes (left by something else) are listed apart.
    public func inventory() -> (files: [FileHash: Int64], strays: [URL]) {
        var files: [FileHash: Int64] = [:]
        var strays: [URL] = []
        let top = root.appendingPathComponent("sha256", isDirectory: true)
        guard let walker = FileManager.default.enumerator(at: top, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey]) else {
            return ([:], [])
        }
        for case let url as URL in walker {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values?.isRegularFile == true else { continue }
            if let hash = FileHash(url.lastPathComponent), path(of: hash).standardizedFileURL.path == url.standardizedFileURL.path {
                files[hash] = Int64(values?.fileSize ?? 0)
            } else {
                strays.append(url)
            }
        }
        return (files, strays)
    }

    /// The temporary files of processes that are no longer running (killed while
    /// they stored a file).
    public func abandonedTemporaries() -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporaryFolder.path) else { return [] }
        return names.sorted().compactMap { name in
            let owner = name.split(separator: "-").first.flatMap { Int32($0) }
            if let owner, owner == getpid() || kill(owner, 0) == 0 || errno == EPERM { return nil }
            return temporaryFolder.appendingPathComponent(name)
        }
    }

    /// Removes the temporary files of processes that are no longer running; returns
    /// how many were removed.
    @discardableResult
    public func removeAbandonedTemporaries() -> Int {
        abandonedTemporaries().filter { unlink($0.path) == 0 }.count
    }

    // MARK: - Writing

    /// A new temporary file named after this process (so that another process can
    /// tell it was abandoned), open for writing.
    func makeTemporaryFile() throws(FileStoreError) -> (URL, Int32) {
        try makeFolder(temporaryFolder)
        let url = temporaryFolder.appendingPathComponent("\(getpid())-\(UUID().uuidString.lowercased())")
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileStoreError(path: url.path, reason: "cannot create it: \(Errno.text)") }
        return (url, descriptor)
    }

    /// Flushes and places a written temporary file; `descriptor` stays open (the caller closes it).
    private func finish(temporary: URL, descriptor: Int32, hash: FileHash, size: Int64, head: [UInt8]) throws(FileStoreError) -> StoredFile {
        let kind = Attachment.Kind(firstBytes: head)
        guard fsync(descriptor) == 0 else {
            throw FileStoreError(path: temporary.path, reason: "cannot flush it to disk: \(Errno.text)")
        }
        if contains(hash) {
            unlink(temporary.path)
            return StoredFile(hash: hash, size: size, kind: kind, wasPresent: true)
        }
        do {
            try place(temporary, as: hash)
        } catch {
            unlink(temporary.path)
            throw error
        }
        return StoredFile(hash: hash, size: size, kind: kind, wasPresent: false)
    }

    /// Renames a flushed file to its hash's path and flushes the folder, so that the
    /// new name survives a power cut.
    private func place(_ file: URL, as hash: FileHash) throws(FileStoreError) {
        let destination = path(of: hash)
        let folder = destination.deletingLastPathComponent()
        try makeFolder(folder)
        chmod(file.path, 0o444)
        guard rename(file.path, destination.path) == 0 else {
            throw FileStoreError(path: destination.path, reason: "cannot move the file into the store: \(Errno.text)")
        }
        let directory = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 { fsync(directory); close(directory) }
    }

    package func makeFolder(_ folder: URL) throws(FileStoreError) {
        // One system call when the parent is there (the usual case), one more per missing parent.
        if mkdir(folder.path, 0o755) == 0 || errno == EEXIST { return }
        let parent = folder.deletingLastPathComponent()
        guard errno == ENOENT, parent.path != folder.path else {
            throw FileStoreError(path: folder.path, reason: "cannot create the folder: \(Errno.text)")
        }
        try makeFolder(parent)
        guard mkdir(folder.path, 0o755) == 0 || errno == EEXIST else {
            throw FileStoreError(path: folder.path, reason: "cannot create the folder: \(Errno.text)")
        }
    }

    private func writeAll(_ descriptor: Int32, _ buffer: [UInt8], count: Int, path: String) throws(FileStoreError) {
        var written = 0
        while written < count {
            let result = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, count - written) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw FileStoreError(path: path, reason: "cannot write it: \(Errno.text)") }
            written += result
        }
    }
}

/// A file the store could not read, write or take, and why.
public struct FileStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What went wrong, in words.
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}

/// The text of the current `errno`.
enum Errno {
    static var text: String { String(cString: strerror(errno)) }
}
