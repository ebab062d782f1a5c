import Foundation

/// What a `Range` header asks of a file of a known size (RFC 9110, section 14):
/// one range of bytes, so that a download resumes where it stopped.
///
/// ```swift
/// ByteRange(header: "bytes=100-", size: 1000)   // .part(100...999)
/// ByteRange(header: "bytes=-10", size: 1000)    // .part(990...999)
/// ByteRange(header: "bytes=2000-", size: 1000)  // .unsatisfiable
/// ```
enum ByteRange: Hashable, Sendable {
    /// No range, or one this server ignores (several ranges, another unit, a
    /// malformed header): the whole file, with 200.
    case whole
    /// These bytes, with 206.
    case part(ClosedRange<Int64>)
    /// A range that starts past the end: 416.
    case unsatisfiable

    init(header: String?, size: Int64) {
        guard let header else { self = .whole; return }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes="), !text.contains(",") else { self = .whole; return }
        let spec = text.dropFirst("bytes=".count)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { self = .whole; return }
        let first = parts[0].trimmingCharacters(in: .whitespaces), last = parts[1].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            // The last N bytes.
            guard let count = Int64(last), count >= 0 else { self = .whole; return }
            guard count > 0, size > 0 else { self = .unsatisfiable; return }
            self = .part(max(0, size - count)...(size - 1))
            return
        }
        guard let start = Int64(first), start >= 0 else { self = .whole; return }
        let end: Int64
        if last.isEmpty {
            end = size - 1
        } else {
            guard let given = Int64(last), given >= start else { self = .whole; return }
            end = min(given, size - 1)
        }
        guard start < size else { self = .unsatisfiable; return }
        self = .part(start...end)
    }
}
