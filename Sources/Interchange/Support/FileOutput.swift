import Foundation

/// A buffered ``TextOutput`` to standard output or to a file.
///
/// A file is written to a temporary name beside it and renamed into place by
/// ``commit()``, so an interrupted export never leaves a half-written file.
public final class FileOutput: TextOutput {
    private let handle: FileHandle
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
        if buffer.count >= FileOutput.flushSize { flush() }
    }

    /// Writes what is buffered.
    public func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and, for a file, moves it into place.
    public func commit() throws {
        flush()
        guard let temporaryPath, let finalPath else { return }
        try handle.close()
        if rename(temporaryPath, finalPath) != 0 {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw FileOutputError(message: "cannot write \(finalPath): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes an unfinished file.
    public func discard() {
        guard let temporaryPath else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }
}

/// A file an export cannot write, and why.
public struct FileOutputError: Error, CustomStringConvertible {
    /// What went wrong, naming the file.
    public var message: String
    public var description: String { message }
}
