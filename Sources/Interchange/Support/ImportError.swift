import Foundation
import Model

/// A record that cannot be imported: which file, which line, and why.
///
/// ```
/// trending.txt:42: expected a paper title, found a 1,384-character paragraph
/// ```
public struct ImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file, as the user named it.
    public let file: String
    /// 1-based line where the bad record starts; nil when the file as a whole is wrong.
    public let line: Int?
    /// What is wrong, in words for a terminal.
    public let reason: String

    /// Creates a value from its fields.
    public init(file: String, line: Int?, reason: String) {
        self.file = file; self.line = line; self.reason = reason
    }

    /// The text form.
    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}

extension ImportError {
    /// Where a file stops being UTF-8, with its line and byte; nil when it is UTF-8
    /// throughout. `reader import` adds how to name the file's encoding.
    ///
    /// ```
    /// refs.bib:3: not UTF-8 text (byte 0xE9) at byte 29
    /// ```
    public static func notUTF8(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> ImportError? {
        do { try FileBytes(bytes).checkUTF8(file: file) } catch { return error }
        return nil
    }

    /// The error for `data` that `String(data:encoding:)` refused as UTF-8, with the
    /// line and byte where it stops being UTF-8.
    static func notUTF8(_ data: Data, file: String) -> ImportError {
        data.withUnsafeBytes { raw in notUTF8(raw.bindMemory(to: UInt8.self), file: file) }
            ?? ImportError(file: file, line: nil, reason: notUTF8Reason)
    }

    /// Whether this is the error of a file that is not UTF-8 text.
    public var isNotUTF8: Bool { reason.hasPrefix(Self.notUTF8Reason) }

    static let notUTF8Reason = "not UTF-8 text"

    /// The error for bytes that stop being UTF-8 at `offset`.
    static func notUTF8(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, file: String) -> ImportError {
        let line = 1 + bytes[..<offset].lazy.filter { $0 == 0x0A }.count
        let byte = String(bytes[offset], radix: 16, uppercase: true)
        return ImportError(file: file, line: line, reason: "\(notUTF8Reason) (byte 0x\(byte.count == 1 ? "0" : "")\(byte)) at byte \(offset + 1)")
    }

    /// The `source` a paper from `file` records: `bibtex:refs.bib`.
    static func source(_ format: String, file: String) -> String {
        format + ":" + (file.split(separator: "/").last.map(String.init) ?? file)
    }
}
