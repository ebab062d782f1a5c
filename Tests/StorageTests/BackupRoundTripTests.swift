import Foundation
import Interchange
import Sync
import SyncWire
import Model
import Testing
@testable import Storage

/// Every backup the exporter writes restores, losslessly: purges, orphaned notes,
/// conflict copies, text histories, fields and records of kinds from newer
/// versions included.
@Suite("Backups restore losslessly")
struct BackupRoundTripTests {
    /// The whole backup, as `reader export --format json` writes it: every record
    /// of the canonical dump, then the text histories.
    static func backup(_ library: Library) throws -> String {
        var writer = ReaderBackup.Writer(output: "")
        try library.forEachCanonicalRecord { writer.write(entity: $0, id: $1, fields: $2) }
        try library.forEachTextHistory { writer.write(history: $0) }
        return writer.finish()
    }

    static func canonical(_ library: Library) throws -> String {
        var writer = ReaderBackup.Writer(output: "")
        try library.forEachCanonicalRecord { writer.write(entity: $0, id: $1, fields: $2) }
        return writer.finish()
    }

    static func histories(_ library: Library) throws -> [TextHistoryEntry] {
        var entries: [TextHistoryEntry] = []
        try library.forEachTextHistory { entries.append($0) }
        return entries
    }

    /// Random operations of every kind a library records, from one seed.
    static func fill(_ library: Library, seed: UInt64, operations: Int) throws {
        var random = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[Int(random.next() % UInt64(items.count))] }
        let node = NodeID(rawValue: 0xF00D)
        for step in 0..<operations {
            let papers = try library.list(SearchQuery()).map(\.paper.id) + library.list({ var q = SearchQuery(); q.inTrash = true; return q }()).map(\.paper.id)
            let notes = try library.notes()
            switch random.next() % 12 {
            case 0, 1:
                let paper = draft("Paper \(random.next() % 40) on \(["operators", "attention", "sparsity"][Int(random.next() % 3)])",
                                  arxiv: random.next() % 2 == 0 ? "2405.\(10000 + random.next() % 500)" : nil, authors: ["Ada Lovelace"])
                do {
                    try library.add(paper)
                } catch StorageError.paperPurged {
                    // Brought back deliberately, under its revived id.
                    try library.add(paper, needingLookup: false, again: true)
                }
            case 2:
                if let paper = pick(papers) { try library.addNote(to: paper, body: "note \(step)\nline two") }
            case 3:
                if let note = pick(notes) { try library.editNote(note.id, body: note.body + "\nedited at \(step)") }
            case 4:
                if let paper = pick(papers) { try library.addHighlight(to: paper, text: "passage \(step)", page: Int(random.next() % 20) + 1, comment: "why \(step)") }
            case 5:
                if let paper = pick(papers) { try library.tag(paper, adding: [try TagName("t\(random.next() % 5)")], removing: [try TagName("t\(random.next() % 5)")]) }
            case 6:
                if let paper = pick(papers) { try? library.trash([paper]) }
            case 7:
                if let paper = pick(papers) { try? library.restore([paper]) }
            case 8:
                // A purge: the paper goes, its notes stay as orphans.
                if let paper = pick(papers) { try library.purge([paper]) }
            case 9:
                if let note = pick(notes), random.next() % 3 == 0 { try library.purgeNote(note.id) }
            case 10:
                // A conflict copy, as sync makes it.
                if let note = pick(notes) {
                    let hlc = HLC(millis: 1_800_000_000_000 + UInt64(step), counter: 0, node: node)
                    let id = String(format: "01900000-0000-7000-8000-%012d", step)
                    try library.merge([SyncRecord(entity: .note, id: id, fields: [
                        "paper_id": Stamped(.string(note.paperID.lowercased), at: hlc), "body": Stamped(.string("their text \(step)"), at: hlc),
                        "conflict_of": Stamped(.string(note.id.lowercased), at: hlc), "title": Stamped(.string("Conflict copy"), at: hlc),
                        "trashed": Stamped(.bool(false), at: hlc),
                    ])])
                }
            default:
                // Fields and records of kinds a newer version made, as a pull brings them.
                let hlc = HLC(millis: 1_800_000_000_000 + UInt64(step), counter: 1, node: node)
                let target = pick(papers)?.lowercased ?? String(format: "00000000-0000-5000-8000-%012d", step)
                try library.applyPulled([
                    PulledChange(seq: 0, entity: "paper", id: target, field: "reading_minutes", value: .int(Int64(step)), hlc: hlc),
                    PulledChange(seq: 0, entity: "figure", id: String(format: "00000000-0000-5000-9000-%012d", step), field: "caption",
                                   value: .string("ab\(step)"), hlc: hlc),
                ], cursor: Int64(step), epoch: "e")
            }
        }
    }

    @Test func aBackupWithPurgesOrphansConflictCopiesHistoriesAndForeignKindsRestores() throws {
        let source = try TemporaryLibrary()
        try Self.fill(source.library, seed: 7, operations: 300)
        let text = try Self.backup(source.library)
        for needle in [#""purged""#, #""conflict_of""#, #""reading_minutes""#, #""entity":"figure""#, #"{"history":"#] {
            #expect(text.contains(needle), "the backup has no \(needle): the case is not exercised")
        }
        #expect(try !source.library.orphanNotes().isEmpty)
        let target = try TemporaryLibrary()
        let report = try target.library.restore(try ReaderBackup.read(text, file: "b.json"))
        #expect(report.histories == (try Self.histories(source.library)).count)
        #expect(try Self.canonical(target.library) == Self.canonical(source.library))
        #expect(try Self.histories(target.library) == Self.histories(source.library))
        #expect(try target.library.searchIndexIsConsistent())
        // Restoring again, into the copy or the original, changes nothing.
        for library in [target.library, source.library] {
            let again = try library.restore(try ReaderBackup.read(text, file: "b.json"))
            #expect(again.created == 0 && again.updated == 0 && again.purged == 0 && again.histories == 0)
        }
    }

    /// Random operations, a backup, a restore into an empty library: the canonical
    /// dumps are equal. `BACKUP_SEEDS=N` runs more; a failure prints its seed.
    @Test func anyLibraryRestoresFromItsBackupAsTheSameLibrary() throws {
        let count = ProcessInfo.processInfo.environment["BACKUP_SEEDS"].flatMap(Int.init) ?? 12
        for seed in (0..<UInt64(count)).map({ 0xBAC0_0000 + $0 }) {
            let source = try TemporaryLibrary()
            try Self.fill(source.library, seed: seed, operations: 120)
            let text = try Self.backup(source.library)
            let target = try TemporaryLibrary()
            try target.library.restore(try ReaderBackup.read(text, file: "b.json"))
            #expect(try Self.canonical(target.library) == Self.canonical(source.library), "BACKUP_SEED=\(seed): the restored library differs")
            #expect(try Self.histories(target.library) == Self.histories(source.library), "BACKUP_SEED=\(seed): a text history was lost")
        }
    }
}
