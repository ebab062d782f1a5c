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
        private var count = 0

        /// Creates a value from its fields.
        public init(output: Output) {
            self.output = output
            self.output.write(ReaderBackup.header)
        }

        /// Writes one record on its own line.
        public mutating func write(_ record: SyncRecord) {
            output.write(CanonicalDump.line(entity: record.entity.rawValue, id: record.id, fields: record.fields, first: count == 0))
            count += 1
        }

        /// Closes the document and returns the output.
        public mutating func finish() -> Output {
            output.write(CanonicalDump.closing)
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

    /// Reads every record of a backup. Errors name the line of the bad record.
    public static func read(_ text: String, file: String) throws(ImportError) -> [SyncRecord] {
        var text = text
        let result: Result<[SyncRecord], ImportError>? = text.withUTF8 { buffer in
            readLines(buffer, file: file)
        }
        switch result {
        case .success(let records)?: return records
        case .failure(let error)?: throw error
        case nil: return try readWhole(text, file: file)
        }
    }

    /// Reads a backup from its bytes, without first making one large `String` of it.
    public static func read(_ data: Data, file: String) throws(ImportError) -> [SyncRecord] {
        let result: Result<[SyncRecord], ImportError>? = data.withUnsafeBytes { raw in
            readLines(raw.bindMemory(to: UInt8.self), file: file)
        }
        switch result {
        case .success(let records)?: return records
        case .failure(let error)?: throw error
        case nil:
            guard let text = String(data: data, encoding: .utf8) else {
                throw ImportError(file: file, line: nil, reason: "not UTF-8 text")
            }
            return try readWhole(text, file: file)
        }
    }

    /// Reads the one-record-per-line layout; nil when the text does not start
    /// with the backup's first line (a reformatted backup is read whole).
    static func readLines(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> Result<[SyncRecord], ImportError>? {
        guard let lines = recordLines(bytes, file: file) else { return nil }
        do {
            return .success(try lines.get().map { line throws(ImportError) in try parseRecord(bytes, line, file: file) })
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
        let headerBytes = Array(header.utf8), footerBytes = Array(footer.utf8)
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
            if line.elementsEqual(footerBytes) { closed = true; continue }
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

    static func parseRecord(_ bytes: UnsafeBufferPointer<UInt8>, _ line: RecordLine, file: String) throws(ImportError) -> SyncRecord {
        do {
            return try record(from: try JSONValue(parsingUTF8: UnsafeBufferPointer(rebasing: bytes[line.range])))
        } catch let error as RecordError {
            throw ImportError(file: file, line: line.number, reason: error.message)
        } catch {
            throw ImportError(file: file, line: line.number, reason: "not valid JSON: \(error)")
        }
    }

    /// Calls `body` with each record of a backup, in file order, while a second
    /// thread parses the records ahead: on two cores, parsing then costs almost no
    /// wall time next to storing. Stops at the first bad record (its line in the
    /// error) or the first error `body` throws.
    public static func forEachRecord(in data: Data, file: String, _ body: (SyncRecord) throws -> Void) throws {
        let found: Result<[RecordLine], ImportError>? = data.withUnsafeBytes { raw in
            recordLines(raw.bindMemory(to: UInt8.self), file: file)
        }
        guard let found else {
            for record in try read(data, file: file) { try body(record) }
            return
        }
        let lines = try found.get()
        let batchSize = 1024
        let batches = stride(from: 0, to: lines.count, by: batchSize).map { lines[$0..<min($0 + batchSize, lines.count)] }
        let pipe = BatchPipe()
        DispatchQueue.global(qos: .userInitiated).async {
            for (index, batch) in batches.enumerated() {
                guard pipe.waitForRoom(before: index) else { return }
                let result: Result<[SyncRecord], ImportError> = data.withUnsafeBytes { raw in
                    let bytes = raw.bindMemory(to: UInt8.self)
                    var records: [SyncRecord] = []
                    records.reserveCapacity(batch.count)
                    for line in batch {
                        do throws(ImportError) { records.append(try parseRecord(bytes, line, file: file)) } catch { return .failure(error) }
                    }
                    return .success(records)
                }
                pipe.put(result, at: index)
                if case .failure = result { return }
            }
        }
        defer { pipe.cancel() }
        for index in batches.indices {
            for record in try pipe.take(index).get() { try body(record) }
        }
    }

    struct File: Decodable {
        var format: String
        var version: Int
        var records: [JSONValue]
    }

    static func readWhole(_ text: String, file: String) throws(ImportError) -> [SyncRecord] {
        let document: File
        do {
            document = try JSONDecoder().decode(File.self, from: Data(text.utf8))
        } catch {
            throw ImportError(file: file, line: nil, reason: "not a reader backup: \(describe(error))")
        }
        guard document.format == formatName else {
            throw ImportError(file: file, line: nil, reason: "format is '\(document.format)', expected '\(formatName)'")
        }
        guard document.version == version else {
            throw ImportError(file: file, line: nil, reason: "backup version \(document.version) is not supported (this reader reads version \(version))")
        }
        var records: [SyncRecord] = []
        for (index, value) in document.records.enumerated() {
            do {
                records.append(try record(from: value))
            } catch let reason as RecordError {
                throw ImportError(file: file, line: nil, reason: "record \(index + 1): \(reason.message)")
            } catch {
                throw ImportError(file: file, line: nil, reason: "record \(index + 1): \(error)")
            }
        }
        return records
    }

    struct RecordError: Error { var message: String }

    static func record(from value: JSONValue) throws -> SyncRecord {
        guard case .object(let object) = value else { throw RecordError(message: "a record must be a JSON object") }
        guard let entityName = object["entity"]?.stringValue else { throw RecordError(message: "the record has no \"entity\"") }
        guard let entity = Entity(rawValue: entityName) else { throw RecordError(message: "unknown entity '\(entityName)'") }
        guard let id = object["id"]?.stringValue, !id.isEmpty else { throw RecordError(message: "the \(entityName) record has no \"id\"") }
        guard case .object(let fieldObjects)? = object["fields"] else { throw RecordError(message: "the \(entityName) \(id) has no \"fields\" object") }
        var fields: [String: Stamped] = [:]
        for (name, fieldValue) in fieldObjects {
            guard case .object(let parts) = fieldValue, let hlcText = parts["hlc"]?.stringValue, let value = parts["value"] else {
                throw RecordError(message: "field '\(name)' of \(entityName) \(id) needs \"hlc\" and \"value\"")
            }
            guard let hlc = HLC(hlcText) else {
                throw RecordError(message: "field '\(name)' of \(entityName) \(id) has an invalid clock '\(hlcText)'")
            }
            guard let field = entity.field(named: name) else {
                throw RecordError(message: "\(entityName) has no field '\(name)'")
            }
            guard field.kind.accepts(value) else {
                throw RecordError(message: "field '\(name)' of \(entityName) \(id) has a value of the wrong type")
            }
            fields[name] = Stamped(value, at: hlc)
        }
        return SyncRecord(entity: entity, id: id, fields: fields)
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
