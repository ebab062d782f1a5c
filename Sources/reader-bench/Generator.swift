import Foundation
import Interchange
import Model

/// Generates N realistic papers: titles and abstracts drawn from the seed
/// listing, unique arXiv ids, 1 to 12 authors, years 2015-2025. Deterministic.
///
/// Writes a reader backup (what `reader import` reads) and the same rows as JSON
/// lines for the baseline.
struct Generator {
    let seed: [PaperDraft]
    let count: Int
    let folder: String
    /// Notes to add, on the first papers (a few lines of Markdown each).
    var notes = 0
    /// A reading life instead of a fresh inbox: papers added over the two years
    /// before ``readingLifeEnd``, about a third read some days after they came in,
    /// some queued, being read or dropped, and 0 to 3 of 24 tags each.
    var readingLife = false
    /// The last day of the reading life (Unix milliseconds; December 2026).
    static let readingLifeEnd: UInt64 = 1_796_000_000_000

    struct Files {
        var backup: String
        var rows: String
        var sampleArXivID: String
        /// The first paper's arXiv id: it has the first note, when there are notes.
        var firstArXivID: String
    }

    static let givenNames = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Donald", "Frances", "John", "Leslie", "Margaret", "Niklaus", "Radia", "Shafi", "Tim", "Yoshua", "Fei-Fei"]
    static let familyNames = ["Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra", "Knuth", "Allen", "McCarthy", "Lamport", "Hamilton", "Wirth", "Perlman", "Goldwasser", "Berners-Lee", "Bengio", "Li", "Müller", "García", "Østergaard", "Nakamura"]

    func write() throws -> Files {
        var random = SplitMix64(seed: UInt64(count))
        let node = NodeID(rawValue: 0x00be_0c4b_e4c4_0001)
        let backupPath = folder + "/generated-\(count)\(notes > 0 ? "-\(notes)-notes" : "")\(readingLife ? "-reading" : "").json"
        let rowsPath = folder + "/generated-\(count).jsonl"
        _ = FileManager.default.createFile(atPath: backupPath, contents: nil)
        _ = FileManager.default.createFile(atPath: rowsPath, contents: nil)
        guard let backupHandle = FileHandle(forWritingAtPath: backupPath), let rowsHandle = FileHandle(forWritingAtPath: rowsPath) else {
            throw BenchError("cannot write in \(folder)")
        }
        var backup = ReaderBackup.Writer(output: BufferedFile(handle: backupHandle))
        var rows = BufferedFile(handle: rowsHandle)
        var clock = HybridClock(node: node)
        let baseMillis: UInt64 = 1_700_000_000_000
        var sample = "", first = ""
        var records: [SyncRecord] = []
        var tagged: Set<TaggedPaper> = []
        for index in 0..<count {
            let source = seed[index % seed.count]
            let title = index < seed.count ? source.title : source.title + " (\(index / seed.count + 1))"
            let month = 1 + (index / 99_999) % 12, year = 15 + (index / (99_999 * 12)) % 11
            let arxiv = String(format: "%02d%02d.%05d", year, month, index % 99_999 + 1)
            if index == count / 2 { sample = arxiv }
            if index == 0 { first = arxiv }
            let authors = (0..<(1 + Int(random.next() % 12))).map { _ in
                Self.givenNames[Int(random.next() % UInt64(Self.givenNames.count))] + " " + Self.familyNames[Int(random.next() % UInt64(Self.familyNames.count))]
            }
            let twoYears: UInt64 = 2 * 365 * 86_400_000
            let added = readingLife ? Self.readingLifeEnd - twoYears + twoYears * UInt64(index) / UInt64(max(1, count)) : baseMillis + UInt64(index) * 1000
            let hlc = clock.now(wallMillis: added)
            let id = StableID.paper(.arxiv(ArXivID(arxiv)!)).lowercased
            var fields: [String: JSONValue] = [
                "title": .string(title), "authors": .array(authors.map(JSONValue.string)), "abstract": .string(source.abstract ?? ""),
                "year": .int(Int64(2015 + (index % 11))), "arxiv_id": .string(arxiv), "added_at": .int(Int64(added)),
                "status": .string("inbox"), "trashed": .bool(false),
            ]
            if readingLife {
                let roll = random.next() % 1000
                let status = roll < 5 ? "reading" : roll < 25 ? "queued" : roll < 45 ? "dropped" : roll < 345 ? "read" : "inbox"
                fields["status"] = .string(status)
                if status == "read" {
                    let waited = (random.next() % 60) * 86_400_000 + random.next() % 86_400_000
                    fields["read_at"] = .int(Int64(min(added + waited, Self.readingLifeEnd)))
                }
                for _ in 0..<(random.next() % 4) {
                    let tag = Self.tags[Int(random.next() % UInt64(Self.tags.count))]
                    tagged.insert(TaggedPaper(paper: id, tag: tag))
                }
            }
            records.append(SyncRecord(entity: .paper, id: id, fields: fields.mapValues { Stamped($0, at: hlc) }))
            let clocks = JSONValue.object(fields.mapValues { _ in .string(hlc.description) }).canonicalJSON
            rows.write(JSONValue.object([
                "id": .string(id), "title": .string(title), "authors": .array(authors.map(JSONValue.string)),
                "abstract": .string(source.abstract ?? ""), "year": .int(Int64(2015 + (index % 11))), "arxiv_id": .string(arxiv),
                "added_at": .int(Int64(added)), "match_title": .string(TextNormalization.matchKey(title)), "clocks": .string(clocks),
            ]).canonicalJSON + "\n")
        }
        for index in 0..<notes {
            let paper = records[index % records.count].id
            let hlc = clock.now(wallMillis: baseMillis + UInt64(count + index) * 1000)
            let body = "Key idea of paper \(index): \(seed[index % seed.count].title)\n\n- method: sparse attention\n- open question: does it scale?\n- read again: section 3"
            let fields: [String: JSONValue] = [
                "paper_id": .string(paper), "body": .string(body), "created_at": .int(Int64(hlc.millis)),
                "updated_at": .int(Int64(hlc.millis)), "trashed": .bool(false),
            ]
            records.append(SyncRecord(entity: .note, id: String(format: "01900000-0000-7000-8000-%012x", index), fields: fields.mapValues { Stamped($0, at: hlc) }))
        }
        if !tagged.isEmpty {
            let hlc = clock.now(wallMillis: Self.readingLifeEnd)
            for name in Self.tags {
                guard let tag = try? TagName(name) else { continue }
                records.append(SyncRecord(entity: .tag, id: StableID.tag(tag).lowercased, fields: ["name": Stamped(.string(tag.value), at: hlc)]))
            }
            for pair in tagged {
                guard let tag = try? TagName(pair.tag), let paper = UUID(parsing: pair.paper) else { continue }
                let tagID = StableID.tag(tag)
                records.append(SyncRecord(entity: .paperTag, id: StableID.paperTag(paper: paper, tag: tagID).lowercased, fields: [
                    "paper_id": Stamped(.string(pair.paper), at: hlc), "tag_id": Stamped(.string(tagID.lowercased), at: hlc),
                    "present": Stamped(.bool(true), at: hlc),
                ]))
            }
        }
        // A backup lists records sorted by entity, then id, as `reader export` writes them.
        for record in records.sorted(by: { ($0.entity, $0.id) < ($1.entity, $1.id) }) { backup.write(record) }
        var finished = backup.finish()
        finished.flush()
        rows.flush()
        return Files(backup: backupPath, rows: rowsPath, sampleArXivID: sample, firstArXivID: first)
    }
}

struct BufferedFile: TextOutput {
    let handle: FileHandle
    var buffer: [UInt8] = []
    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 1 << 20 { flush() }
    }
    mutating func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

extension Generator {
    /// The tags of a reading life.
    static let tags = ["ml", "nlp", "vision", "pde", "optimization", "theory", "systems", "databases", "graphs", "rl",
                       "to-read", "survey", "benchmark", "reproduce", "teaching", "cited", "related-work", "method",
                       "dataset", "negative-result", "attention", "sparsity", "krylov", "weather"]

    struct TaggedPaper: Hashable {
        var paper: String
        var tag: String
    }
}
