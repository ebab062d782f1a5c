import Foundation

/// A file's bytes as a streaming reader reads them, and how it lets go of what it
/// has read: on a mapped file (``MappedFile``) the pages behind the reader go back
/// to the kernel, so that an import of a 200 MB file does not keep 200 MB resident.
struct FileBytes: @unchecked Sendable {
    // Unchecked: the bytes are only read, and outlive every pass (the caller's
    // `withUnsafeBytes` encloses them, the second thread included).
    let buffer: UnsafeBufferPointer<UInt8>

    init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

    /// How often pages are handed back: every 8 MiB read.
    static let releaseStride = 1 << 23

    /// Hands back the pages before `offset` once 8 MiB were read since the last
    /// time (`released`), and at the end.
    func release(before offset: Int, since released: inout Int) {
        guard offset - released >= Self.releaseStride || offset == buffer.count else { return }
        MappedFile.releasePages(of: buffer, before: offset)
        released = offset
    }

    /// Throws, with the line and byte, when the bytes are not UTF-8; checked in
    /// stretches of 8 MiB, each handed back once checked.
    func checkUTF8(file: String) throws(ImportError) {
        var start = 0
        while start < buffer.count {
            var end = min(buffer.count, start + Self.releaseStride)
            // Not through a character: back to the byte that starts it.
            var back = 0
            while end < buffer.count, back < 3, buffer[end] & 0xC0 == 0x80 { end -= 1; back += 1 }
            do {
                _ = try UTF8Span(validating: Span(_unsafeElements: UnsafeBufferPointer(rebasing: buffer[start..<end])))
            } catch {
                throw .notUTF8(buffer, at: start + error.byteOffsets.lowerBound, file: file)
            }
            MappedFile.releasePages(of: buffer, before: end)
            start = end
        }
    }

    /// The lines of the bytes, which must be UTF-8 (``checkUTF8(file:)``), each
    /// without its line end (`\n`, `\r\n` or `\r`), numbered from 1; the pages
    /// behind each line are handed back as the lines are read.
    var lines: Lines { Lines(bytes: self) }

    /// Reads the lines one at a time: `while let (number, line) = lines.next()`.
    struct Lines: IteratorProtocol {
        let bytes: FileBytes
        private var position = 0
        private var number = 0
        private var released = 0

        init(bytes: FileBytes) { self.bytes = bytes }

        mutating func next() -> (number: Int, text: String)? {
            let buffer = bytes.buffer
            guard position < buffer.count else {
                bytes.release(before: buffer.count, since: &released)
                return nil
            }
            bytes.release(before: position, since: &released)
            let start = position
            while position < buffer.count, buffer[position] != 0x0A, buffer[position] != 0x0D { position += 1 }
            let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
            if position < buffer.count {
                if buffer[position] == 0x0D, position + 1 < buffer.count, buffer[position + 1] == 0x0A { position += 1 }
                position += 1
            }
            number += 1
            return (number, text)
        }
    }
}
