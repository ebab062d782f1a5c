import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A file's bytes mapped read-only into memory, for imports of large files.
///
/// A 200 MB BibTeX file read into a `Data` is 200 MB of memory before the first
/// entry is parsed. Mapped, the bytes are read from the page cache as the parser
/// reaches them, and a reader that is done with a stretch of the file hands its
/// pages back (``releasePages(of:before:)``): the import's memory stays flat
/// whatever the file's size.
///
/// The mapping is private and read-only. A file shortened by another program while
/// it is mapped makes the next read of the missing part fail the process (SIGBUS),
/// as it would for any program reading a mapped file; the import's transaction then
/// never commits, so nothing is half-stored.
///
/// ```swift
/// let data = try MappedFile.data(atPath: "refs.bib") ?? Data(contentsOf: url)
/// ```
public enum MappedFile {
    /// Files smaller than this are read, not mapped: mapping pays off for large files only.
    public static let threshold = 1 << 20

    /// The mappings this type made and has not unmapped yet: start address and length.
    /// Only these may have their pages dropped, which for any other memory would
    /// zero it.
    private static let mappings = Mutex<[UInt: Int]>([:])

    /// The bytes of the regular file at `path`, mapped; nil when the file is not
    /// a regular file of at least ``threshold`` bytes or cannot be mapped (the
    /// caller reads it the usual way, and reports what is wrong with it).
    public static func data(atPath path: String) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size >= threshold,
              let count = Int(exactly: status.st_size) else { return nil }
        guard let base = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0),
              base != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        _ = madvise(base, count, MADV_SEQUENTIAL)
        let address = UInt(bitPattern: base)
        mappings.withLock { $0[address] = count }
        return Data(bytesNoCopy: base, count: count, deallocator: .custom { pointer, count in
            mappings.withLock { _ = $0.removeValue(forKey: UInt(bitPattern: pointer)) }
            munmap(pointer, count)
        })
    }

    /// Hands back to the kernel the whole pages of `buffer` before `offset`, when
    /// `buffer` lies in a mapping ``data(atPath:)`` made; does nothing otherwise.
    /// The bytes stay readable: a page read again comes back from the file.
    static func releasePages(of buffer: UnsafeBufferPointer<UInt8>, before offset: Int) {
        guard let start = buffer.baseAddress, offset > 0 else { return }
        let first = UInt(bitPattern: start)
        let isMapped = mappings.withLock { mappings in
            mappings.contains { first >= $0.key && first + UInt(buffer.count) <= $0.key + UInt($0.value) }
        }
        guard isMapped else { return }
        let page = UInt(max(sysconf(Int32(_SC_PAGESIZE)), 4096))
        let from = (first + page - 1) / page * page
        let to = (first + UInt(min(offset, buffer.count))) / page * page
        guard to > from, let pointer = UnsafeMutableRawPointer(bitPattern: from) else { return }
        _ = madvise(pointer, Int(to - from), MADV_DONTNEED)
    }
}
