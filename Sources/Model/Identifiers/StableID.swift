import Foundation

/// The ids of records: deterministic (UUIDv5) where the same thing may be created
/// on two machines, time-ordered random (UUIDv7) otherwise.
///
/// Deterministic ids are what make a paper added on a laptop and on a desktop
/// before their first sync one record, not two. The names hashed are documented
/// in `docs/sync-protocol.md`; changing them would split every library in two.
public enum StableID {
    /// reader's UUIDv5 namespace: UUIDv5(URL namespace, "https://reader.invalid/ns/v1").
    public static let namespace: UUID = uuid5(
        namespace: UUID(uuidString: "6ba7b811-9dad-11d1-80b4-00c04fd430c8")!,
        name: "https://reader.invalid/ns/v1"
    )

    /// The id of a paper known by an arXiv id (version stripped) or a DOI.
    public static func paper(_ identifier: PaperIdentifier) -> UUID {
        switch identifier {
        case .arxiv(let id): uuid5(namespace: namespace, name: "arxiv:" + id.id)
        case .doi(let doi): uuid5(namespace: namespace, name: "doi:" + doi.value)
        }
    }

    /// The id of a paper with no identifier: its normalized title plus the first
    /// author's normalized family name.
    public static func paper(title: String, firstAuthor: String?) -> UUID {
        let family = firstAuthor.map(PersonName.familyName(of:)).map(TextNormalization.matchKey) ?? ""
        return uuid5(namespace: namespace, name: "title:" + TextNormalization.matchKey(title) + "\u{1F}" + family)
    }

    /// The id of a paper with no identifier whose ``paper(title:firstAuthor:)`` id
    /// already belongs to another work (same title and first author, but another
    /// year, or another key in the same file: see ``WorkMatch``). Derived from that
    /// id, the year and the key, so that two machines importing the same file still
    /// make one record of each work; `attempt` counts up from 1 while the id is taken
    /// by yet another work.
    public static func paper(distinctFrom base: UUID, year: Int?, citeKey: String?, attempt: Int = 1) -> UUID {
        var name = "work:" + base.lowercased + "\u{1F}" + (year.map(String.init) ?? "") + "\u{1F}" + (citeKey?.lowercased() ?? "")
        if attempt > 1 { name += "\u{1F}" + String(attempt) }
        return uuid5(namespace: namespace, name: name)
    }

    /// The id a purged paper comes back with when it is added again deliberately
    /// (`reader add … --again`): derived from the purged id alone, so that two
    /// machines bringing the same paper back make one record, while the purged id
    /// stays purged and still absorbs every stale edit of it.
    public static func revived(_ purged: UUID) -> UUID {
        uuid5(namespace: namespace, name: "revived:" + purged.lowercased)
    }

    /// The id of a tag: its normalized name.
    public static func tag(_ name: TagName) -> UUID {
        uuid5(namespace: namespace, name: "tag:" + name.value)
    }

    /// The id of one paper's membership in one tag.
    public static func paperTag(paper: UUID, tag: UUID) -> UUID {
        uuid5(namespace: namespace, name: "paper_tag:" + paper.lowercased + "/" + tag.lowercased)
    }

    /// The id of one file attached to one paper: the same bytes attached to the same
    /// paper on two machines are one record.
    public static func attachment(paper: UUID, sha256: FileHash) -> UUID {
        uuid5(namespace: namespace, name: "attachment:" + paper.lowercased + "/" + sha256.hex)
    }

    /// A UUIDv5 (RFC 9562): SHA-1 of namespace bytes and name, version and variant set.
    public static func uuid5(namespace: UUID, name: String) -> UUID {
        var hasher = SHA1()
        withUnsafeBytes(of: namespace.uuid) { hasher.update($0) }
        hasher.update(name.utf8)
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(bytes: bytes)
    }

    /// A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits.
    public static func uuid7(millis: UInt64, using generator: inout some RandomNumberGenerator) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - UInt64(i)))) }
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        for i in 6..<16 {
            let word = i < 12 ? random.0 : random.1
            bytes[i] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(i % 8)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(bytes: bytes)
    }
}

extension UUID {
    init(bytes b: [UInt8]) {
        self.init(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                         b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
