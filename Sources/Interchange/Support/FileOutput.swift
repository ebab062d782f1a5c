import Foundation

/// A buffered ``TextOutput`` to standard output, to a file, or kept in memory.
///
/// A file is written to a temporary name beside it and renamed into place by
/// ``commit()``, so an interrupted export never leaves a half-written file.
public final class FileOutput: TextOutput {
    /// Nil when the text is kept in memory (``inMemory()``).
    private let handle: FileHandle?
    private var buffer: [UInt8] = []
    private let temporaryPath: String?
    private let finalPath: String?
    private static let flushSize = 1 << 18

    /// Standard output.
    public init() {
        handle = FileHandle.standardOutput
        temporaryPath = nil
        finalPath = nil
        buffer.reserveCapacity(FileOutput.flushSize)
    }

    private init(memory: ()) {
        handle = nil
        temporaryPath = nil
        finalPath = nil
    }

    /// An output that keeps what is written, for ``text``.
    public static func inMemory() -> FileOutput { FileOutput(memory: ()) }

    /// Everything written to an in-memory output.
    public var text: String { String(decoding: buffer, as: UTF8.self) }

    /// A new file at `path` (replaced when complete).
    public init(path: String) throws(FileOutputError) {
        let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw FileOutputError(message: "cannot write \(path): check that its folder exists and is writable")
        }
        self.handle = handle
        temporaryPath = temporary
        finalPath = path
        buffer.reserveCapacity(FileOutput.flushSize)
    }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= FileOutput.flushSize, handle != nil { flush() }
    }

    /// Writes what is buffered.
    public func flush() {
        guard let handle, !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and, for a file, moves it into place.
    public func commit() throws {
        flush()
        guard let handle, let temporaryPath, let finalPath else { return }
        try handle.close()
        if rename(temporaryPath, finalPath) != 0 {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw FileOutputError(message: "cannot write \(finalPath): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes an unfinished file.
    public func discard() {
        guard let temporaryPath else { return }
        try? handle?.close()
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }
}

/// A file an export cannot write, and why.
public struct FileOutputError: Error, CustomStringConvertible {
    /// What went wrong, naming the file.
    public var message: String
    public var description: String { message }
}
