import Model

/// What one import has done so far, for the drafts after it: the citation key each
/// paper it touched got from the file (two entries of one file with different keys
/// are two works: ``Model/WorkMatch``), and the near matches it met.
final class ImportSession {
    /// The key each paper got from this file's entry, by paper id (`.some(nil)`:
    /// the entry had no key).
    var keys: [String: String?] = [:]
    /// Papers with the same title that ``Model/WorkMatch`` kept apart.
    var nearMatches: [NearMatch] = []
    /// The tags this import has set, by id, with the name it set: each is set once,
    /// not once per paper that carries it.
    var tagsSet: [String: String] = [:]
}
