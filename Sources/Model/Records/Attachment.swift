import Foundation

/// A file that belongs to a paper: its PDF, a saved web page, the reader's own
/// annotated copy. A synced record; the bytes are kept apart, content-addressed
/// by ``sha256`` (on this machine in the library's file store).
///
/// Which files are present on this machine, when each was last opened and which
/// papers are pinned are local state, never synced: the record only says that the
/// file exists and what it is.
public struct Attachment: Hashable, Sendable, Identifiable {
    /// The record's id: ``StableID/attachment(paper:sha256:)``, so that the same
    /// bytes attached to the same paper on two machines are one record.
    public var id: UUID
    /// The paper it belongs to.
    public var paperID: UUID
    /// The SHA-256 of its bytes: its name in every file store.
    public var sha256: FileHash
    /// Its size in bytes.
    public var size: Int64
    /// What kind of file it is.
    public var kind: Kind
    /// The file's name where it came from (shown, never used to make a path).
    public var name: String?
    /// Where it was downloaded from, when it was.
    public var sourceURL: String?
    /// When it was added.
    public var addedAt: Date
    /// Removed, restorable.
    public var isTrashed: Bool

    /// Creates a value from its fields.
    public init(id: UUID, paperID: UUID, sha256: FileHash, size: Int64, kind: Kind, name: String? = nil,
                sourceURL: String? = nil, addedAt: Date, isTrashed: Bool = false) {
        self.id = id; self.paperID = paperID; self.sha256 = sha256; self.size = size; self.kind = kind
        self.name = name; self.sourceURL = sourceURL; self.addedAt = addedAt; self.isTrashed = isTrashed
    }

    /// What kind of file an attachment is. A kind this version does not know (from a
    /// newer one) reads as ``other``.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case pdf, html, other

        /// The kind of a file, from its first bytes (a PDF starts with `%PDF-`,
        /// whatever its name says).
        public init(firstBytes: some Collection<UInt8>) {
            if Attachment.isPDF(firstBytes) {
                self = .pdf
            } else {
                let head = String(decoding: firstBytes.prefix(512), as: UTF8.self).lowercased()
                self = head.contains("<html") || head.contains("<!doctype html") ? .html : .other
            }
        }
    }

    /// Whether bytes start like a PDF: `%PDF-`, possibly after a few bytes of
    /// junk, which PDF readers accept within the first kilobyte.
    public static func isPDF(_ firstBytes: some Collection<UInt8>) -> Bool {
        let head = Array(firstBytes.prefix(1024))
        let marker = Array("%PDF-".utf8)
        guard head.count >= marker.count else { return false }
        return (0...(head.count - marker.count)).contains { head[$0..<($0 + marker.count)].elementsEqual(marker) }
    }

    /// Whether the last bytes of a PDF hold its end-of-file marker (`%%EOF`): a PDF
    /// cut short by a dropped connection does not.
    public static func hasPDFEnd(_ lastBytes: some Collection<UInt8>) -> Bool {
        let tail = Array(lastBytes.suffix(4096))
        let marker = Array("%%EOF".utf8)
        guard tail.count >= marker.count else { return false }
        return (0...(tail.count - marker.count)).contains { tail[$0..<($0 + marker.count)].elementsEqual(marker) }
    }

    /// A file name from outside, made safe to show on one line: its last path
    /// component, without control characters or bidirectional marks, at most
    /// 200 characters. It is only ever shown: no path is made from it.
    public static func displayName(_ name: String) -> String? {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(String.UnicodeScalarView(last.unicodeScalars.filter { scalar in
            !(scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format)
        }))
        let trimmed = cleaned.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed != ".", trimmed != ".." else { return nil }
        return String(trimmed.prefix(200))
    }
}
