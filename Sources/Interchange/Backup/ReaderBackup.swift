import Foundation
import Model

/// reader's own JSON backup: every record with every field's value and clock.
///
/// The file is canonical JSON (sorted keys, no insignificant white space) with
/// one record per line, so that two libraries holding the same data write
/// byte-identical files, a diff shows what changed, and a reader can name the
/// line of a bad record:
///
/// ```
/// {"format":"reader-backup","records":[
/// {"entity":"paper","fields":{"title":{"hlc":"1732660000123-0000-8f3a1b2c3d4e5f60","value":"…"}},"id":"…"},
/// ...
/// ],"version":1}
/// ```
///
/// Restoring merges field by field, last writer wins, so restoring into a
/// library that already has newer edits keeps them.
public enum ReaderBackup {
    /// The `format` of a backup file.
    public static let formatName = "reader-backup"
    /// The backup format version this reader writes and reads.
    public static let version = 1
    static let header = CanonicalDump.header
    static let footer = CanonicalDump.footer

    /// Writes a backup, record by record: call ``Writer/write(_:)`` for each
    /// record in (entity, id) order, then ``Writer/finish()``.
    public struct Writer<Output: TextOutput> {
        /// Where the backup goes.
        public private(set) var output: Output
        private var lines = CanonicalDump.Lines()

        /// Creates a value from its fields.
        public init(output: Output) {
            self.output = output
            self.output.write(ReaderBackup.header)
        }

        /// Writes one record on its own line.
        public mutating func write(_ record: SyncRecord) {
            write(entity: record.entity.rawValue, id: record.id, fields: record.fields)
        }

        /// Writes one record, of any entity (fields of kinds this version does not know
        /// included), on its own line. Records come before any history.
        public mutating func write(entity: String, id: String, fields: [String: Stamped]) {
            output.write(lines.record(entity: entity, id: id, fields: fields))
        }

        /// Writes an earlier text of a note or highlight, after every record.
        public mutating func write(history entry: TextHistoryEntry) {
            output.write(lines.history(entry))
        }

        /// Closes the document and returns the output: version 1 when it holds
        /// records only (what every reader reads), version 2 with histories.
        public mutating func finish() -> Output {
            output.write(lines.closing())
            return output
        }
    }

    /// One record as canonical JSON (``Model/CanonicalRecord``).
    public static func encode(_ record: SyncRecord, to out: inout String) {
        CanonicalRecord.write(entity: record.entity.rawValue, id: record.id, fields: record.fields, to: &out)
    }

    /// Whether a text is a reader backup (checked on its first bytes).
    public static func looksLikeBackup(_ text: String) -> Bool {
        let start = text.prefix(200).filter { !$0.isWhitespace }
        return start.hasPrefix("{") && start.contains("\"format\":\"reader-backup\"")
    }

    /// Reads everything a backup holds. Errors name the line of the bad record.
    public static func read(_ text: String, file: String) throws(ImportError) -> [BackupItem] {
        var text = text
        let result: Result<[BackupItem], ImportError>? = text.withUTF8 { buffer in
            readLines(buffer, file: file)
        }
        switch result {
        case .success(let records)?: return records
        case .failure(let error)?: throw error
        case nil: return try readWhole(text, file: file)
        }
    }

    /// Reads a backup from its bytes, without first making one large `String` of it.
    public static func read(_ data: Data, file: String) throws(ImportError) -> [BackupItem] {
        let result: Result<[BackupItem], ImportError>? = data.withUnsafeBytes { raw in
            readLines(raw.bindMemory(to: UInt8.self), file: file)
        }
        switch result {
        case .success(let records)?: return records
        case .failure(let error)?: throw error
        case nil:
            guard let text = String(data: data, encoding: .utf8) else { throw ImportError.notUTF8(data, file: file) }
            return try readWhole(text, file: file)
        }
    }

    /// Reads the one-record-per-line layout; nil when the text does not start
    /// with the backup's first line (a reformatted backup is read whole).
    static func readLines(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> Result<[BackupItem], ImportError>? {
        guard let lines = recordLines(bytes, file: file) else { return nil }
        do throws(ImportError) {
            var items: [BackupItem] = []
            for line in try lines.get() { items += try parseRecord(bytes, line, file: file) }
            return .success(items)
        } catch {
            return .failure(error)
        }
    }

    /// One record's line: its number and its JSON's byte range.
    struct RecordLine: Sendable {
        var number: Int
        var range: Range<Int>
    }

    /// Finds the record lines between the first and the closing line; nil when
    /// the first line is not a backup's.
    static func recordLines(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> Result<[RecordLine], ImportError>? {
        let headerBytes = Array(header.utf8), footers = [Array(footer.utf8), Array(CanonicalDump.historyFooter.utf8)]
        var lines: [RecordLine] = []
        var lineNumber = 0
        var start = 0
        var sawHeader = false, closed = false
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            var low = start, high = end
            while low < high, [0x20, 0x09, 0x0D].contains(bytes[low]) { low += 1 }
            while high > low, [0x20, 0x09, 0x0D].contains(bytes[high - 1]) { high -= 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[low..<high])
            start = end + 1
            if !sawHeader {
                guard line.elementsEqual(headerBytes) else { return nil }
                sawHeader = true
                continue
            }
            if line.isEmpty { continue }
            if footers.contains(where: { line.elementsEqual($0) }) { closed = true; continue }
            guard !closed else {
                return .failure(ImportError(file: file, line: lineNumber, reason: "text after the end of the backup"))
            }
            lines.append(RecordLine(number: lineNumber, range: low..<(bytes[high - 1] == UInt8(ascii: ",") ? high - 1 : high)))
        }
        guard closed else {
            return .failure(ImportError(file: file, line: lineNumber, reason: "the backup is cut short: its closing line `\(footer)` is missing"))
        }
        return .success(lines)
    }

    static func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>, _ line: RecordLine, file: String) throws(ImportError) -> [BackupItem] {
        do {
            return try items(from: try JSONValue(parsingUTF8: UnsafeBufferPointer(rebasing: bytes[line.range])))
        } catch let error as RecordError {
            throw ImportError(file: file, line: line.number, reason: error.message)
        } catch {
            throw ImportError(file: file, line: line.number, reason: "not valid JSON: \(error)")
        }
    }

    /// Calls `body` with each item of a backup, in file order, while a second
    /// thread parses the records ahead: on two cores, parsing then costs almost no
    /// wall time next to storing. Stops at the first bad record (its line in the
    /// error) or the first error `body` throws.
    public static func forEachItem(in data: Data, file: String, _ body: (BackupItem) throws -> Void) throws {
        let found: Result<[RecordLine], ImportError>? = data.withUnsafeBytes { raw in
            recordLines(raw.bindMemory(to: UInt8.self), file: file)
        }
        guard let found else {
            for item in try read(data, file: file) { try body(item) }
            return
        }
        let lines = try found.get()
        try Prefetch.run(batchSize: 1024, ahead: 4, produce: { emit in
            try data.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                for line in lines {
                    for item in try parseRecord(bytes, line, file: file) { try emit(item) }
                }
            }
        }, consume: body)
    }

    struct File: Decodable {
        var format: String
        var version: Int
        var records: [JSONValue]
    }

    static func readWhole(_ text: String, file: String) throws(ImportError) -> [BackupItem] {
        let document: File
        do {
            document = try JSONDecoder().decode(File.self, from: Data(text.utf8))
        } catch {
            throw ImportError(file: file, line: nil, reason: "not a reader backup: \(describe(error))")
        }
        guard document.format == formatName else {
            throw ImportError(file: file, line: nil, reason: "format is '\(document.format)', expected '\(formatName)'")
        }
        guard (1...2).contains(document.version) else {
            throw ImportError(file: file, line: nil, reason: "backup version \(document.version) is not supported (this reader reads versions 1 and 2)")
        }
        var records: [BackupItem] = []
        for (index, value) in document.records.enumerated() {
            do {
                records += try items(from: value)
            } catch let reason as RecordError {
                throw ImportError(file: file, line: nil, reason: "record \(index + 1): \(reason.message)")
            } catch {
                throw ImportError(file: file, line: nil, reason: "record \(index + 1): \(error)")
            }
        }
        return records
    }

    struct RecordError: Error { var message: String }

    /// What one line of a backup holds: a record (with any fields of kinds this
    /// version does not know, kept as foreign fields), or a history entry.
    static func items(from value: JSONValue) throws -> [BackupItem] {
        guard case .object(let object) = value else { throw RecordError(message: "a record must be a JSON object") }
        if let history = object["history"] { return [.history(try historyEntry(history))] }
        guard let entityName = object["entity"]?.stringValue, !entityName.isEmpty else { throw RecordError(message: "the record has no \"entity\"") }
        guard let id = object["id"]?.stringValue, !id.isEmpty else { throw RecordError(message: "the \(entityName) record has no \"id\"") }
        guard case .object(let fieldObjects)? = object["fields"] else { throw RecordError(message: "the \(entityName) \(id) has no \"fields\" object") }
        let entity = Entity(rawValue: entityName)
        var fields: [String: Stamped] = [:]
        var items: [BackupItem] = []
        for name in fieldObjects.keys.sorted() {
            guard case .object(let parts)? = fieldObjects[name], let hlcText = parts["hlc"]?.stringValue, let value = parts["value"] else {
                throw RecordError(message: "field '\(name)' of \(entityName) \(id) needs \"hlc\" and \"value\"")
            }
            guard let hlc = HLC(hlcText) else {
                throw RecordError(message: "field '\(name)' of \(entityName) \(id) has an invalid clock '\(hlcText)'")
            }
            guard let entity else {
                items.append(.foreignField(entity: entityName, id: id, field: name, Stamped(value, at: hlc)))
                continue
            }
            if name == Entity.purgedField {
                guard entity.isPurgeable, value == .bool(true) else {
                    throw RecordError(message: "field 'purged' of \(entityName) \(id) must be true, on a paper, note or highlight")
                }
            } else if let field = entity.field(named: name) {
                guard field.kind.accepts(value) else {
                    throw RecordError(message: "field '\(name)' of \(entityName) \(id) has a value of the wrong type")
                }
            } else {
                items.append(.foreignField(entity: entityName, id: id, field: name, Stamped(value, at: hlc)))
                continue
            }
            fields[name] = Stamped(value, at: hlc)
        }
        if let entity, !fields.isEmpty || items.isEmpty {
            items.insert(.record(SyncRecord(entity: entity, id: id, fields: fields)), at: 0)
        }
        return items
    }

    static func historyEntry(_ value: JSONValue) throws -> TextHistoryEntry {
        guard case .object(let object) = value, let entity = object["entity"]?.stringValue, let id = object["id"]?.stringValue,
              let field = object["field"]?.stringValue, let reason = object["reason"]?.stringValue,
              let replacedAt = object["replaced_at"]?.intValue else {
            throw RecordError(message: "a history entry needs \"entity\", \"id\", \"field\", \"reason\" and \"replaced_at\"")
        }
        let hlc: HLC?
        switch object["hlc"] {
        case .string(let text)?:
            guard let parsed = HLC(text) else { throw RecordError(message: "the history entry of \(entity) \(id) has an invalid clock '\(text)'") }
            hlc = parsed
        case .null?, nil: hlc = nil
        default: throw RecordError(message: "the history entry of \(entity) \(id) has an invalid clock")
        }
        let text: String?
        switch object["text"] {
        case .string(let value)?: text = value
        case .null?, nil: text = nil
        default: throw RecordError(message: "the history entry of \(entity) \(id) has a text of the wrong type")
        }
        return TextHistoryEntry(entity: entity, id: id, field: field, text: text, hlc: hlc, replacedAtMillis: replacedAt, reason: reason)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return (context.underlyingError.map { "\($0)" } ?? context.debugDescription)
        case DecodingError.keyNotFound(let key, _):
            return "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context):
            return context.debugDescription + " at " + context.codingPath.map(\.stringValue).joined(separator: ".")
        default:
            return "\(error)"
        }
    }
}

extension ImportFormat {
    /// reader's own JSON backup, restored record by record.
    public static let json = ImportFormat(name: "json", recognises: ReaderBackup.looksLikeBackup, read: nil)
}
