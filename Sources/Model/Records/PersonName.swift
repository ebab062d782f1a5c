import Foundation

/// A person's or an organisation's name, in the parts bibliographies need.
///
/// Formats split names differently: BibTeX into von, Last, Jr and First parts,
/// BibLaTeX into family, given, prefix and suffix, CSL with two kinds of particle,
/// RIS as `Family, Given, Suffix`. A name read from any of them keeps its parts, so
/// that `Uría Ríu, Juan` goes back out with the family name "Uría Ríu" (not "Ríu")
/// and `{American Psychological Association}` as one name, not three.
///
/// A paper's `authors` are display names (``displayName``), which lists, search
/// and every command show. The parts are kept beside them only for the names whose
/// parts cannot be read back from the display name (``isReadFromDisplayName``);
/// ``names(of:known:)`` pairs the two.
///
/// ```swift
/// let name = PersonName(family: "Heuvel", given: "Charles", particle: "van den")
/// name.displayName                                 // "Charles van den Heuvel"
/// PersonName(parsing: "Martin Luther King Jr.")    // given "Martin Luther", family "King", suffix "Jr."
/// ```
public struct PersonName: Hashable, Sendable {
    /// The family name, without its particles (`Heuvel`, `Uría Ríu`).
    public var family: String
    /// The given names (`Charles`, `A. J.`).
    public var given: String
    /// Words before the family name that belong to it when sorting and citing:
    /// BibTeX's von part, CSL's non-dropping particle (`van den`).
    public var particle: String
    /// Words before the family name that are dropped when it stands alone: CSL's
    /// dropping particle (`de` in Charles de Gaulle, cited as "Gaulle").
    public var droppingParticle: String
    /// `Jr.`, `III`.
    public var suffix: String
    /// The whole name of an organisation, or of anyone whose name must not be
    /// split; when set, the other parts are empty.
    public var literal: String?
    /// BibLaTeX's `useprefix` for this name, when its source set it.
    public var usePrefix: Bool?

    /// A person's name from its parts, each as a single line.
    public init(family: String, given: String = "", particle: String = "", droppingParticle: String = "", suffix: String = "", usePrefix: Bool? = nil) {
        self.family = TextNormalization.singleLine(family)
        self.given = TextNormalization.singleLine(given)
        self.particle = TextNormalization.singleLine(particle)
        self.droppingParticle = TextNormalization.singleLine(droppingParticle)
        self.suffix = TextNormalization.singleLine(suffix)
        self.usePrefix = usePrefix
    }

    /// Parts already single lines (what ``init(parsing:)`` splits off).
    init(normalizedFamily family: String, given: String, particle: String, suffix: String) {
        self.family = family; self.given = given; self.particle = particle
        self.droppingParticle = ""; self.suffix = suffix
    }

    /// A name kept whole: an organisation (`American Psychological Association`).
    public init(literal: String) {
        self.init(family: "")
        self.literal = TextNormalization.singleLine(literal)
    }

    /// The name as lists show it and as a paper's `authors` hold it: given names,
    /// particles, family name and suffix (`Charles van den Heuvel`, `Martin Luther King Jr.`).
    public var displayName: String {
        if let literal { return literal }
        // Appended part by part: exports compute it for every author they write.
        var name = given
        for part in [droppingParticle, particle, family, suffix] where !part.isEmpty {
            if !name.isEmpty { name.append(" ") }
            name.append(part)
        }
        return name
    }

    /// Whether the name has no text.
    public var isEmpty: Bool {
        if let literal { return literal.isEmpty }
        return given.isEmpty && droppingParticle.isEmpty && particle.isEmpty && family.isEmpty && suffix.isEmpty
    }

    /// Whether ``init(parsing:)`` reads these very parts back from ``displayName``,
    /// so that keeping the display name keeps the name.
    public var isReadFromDisplayName: Bool {
        // Most names: given names and a one-word family name, nothing else, and no
        // word the parser would take for a particle or a suffix.
        if literal == nil, particle.isEmpty, droppingParticle.isEmpty, suffix.isEmpty, usePrefix == nil,
           !family.isEmpty, !family.utf8.contains(where: { $0 == 0x20 || $0 == 0x2C }), !given.utf8.contains(0x2C),
           family.utf8.count > 3 || !Self.suffixes.contains(family.lowercased()) {
            let lastWord = given.utf8.lastIndex(of: 0x20).map { given[given.index(after: $0)...] } ?? given[...]
            if lastWord.first?.isLowercase != true { return true }
        }
        return PersonName(parsing: displayName) == self
    }
}

extension PersonName {
    /// Name suffixes written after the family name.
    static let suffixes: Set<String> = ["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"]

    /// A display name split by the common Western order, for names no source gave
    /// the parts of: the last word is the family name, the lower-case words just
    /// before it are its particle (`van Beethoven`), a trailing `Jr.` or `III` is
    /// the suffix, the rest are given names. `Family, Given` is read as written.
    /// A name of one word is all family name.
    ///
    /// ```swift
    /// PersonName(parsing: "Ludwig van Beethoven")    // given "Ludwig", particle "van", family "Beethoven"
    /// PersonName(parsing: "Vaswani, Ashish")         // given "Ashish", family "Vaswani"
    /// ```
    public init(parsing name: String) {
        // On UTF-8 bytes (words are split at spaces, and the suffixes are ASCII):
        // exports read every author's name this way.
        if let comma = name.utf8.firstIndex(of: UInt8(ascii: ",")) {
            let (particle, family) = Self.splitParticle(String(name[..<comma]))
            self.init(family: family, given: String(name[name.utf8.index(after: comma)...]), particle: particle)
            return
        }
        let line = TextNormalization.singleLine(name)
        var words = line.utf8.split(separator: UInt8(ascii: " "))
        var suffix = ""
        if words.count > 2, let last = words.last, Self.isSuffix(last) {
            suffix = String(Substring(last))
            words.removeLast()
        }
        guard words.count > 1 else {
            self.init(normalizedFamily: words.first.map { String(Substring($0)) } ?? "", given: "", particle: "", suffix: suffix)
            return
        }
        var start = words.count - 1
        while start > 1, Self.startsLowercase(words[start - 1]) { start -= 1 }
        // Words are one space apart (``TextNormalization/singleLine(_:)``): a run of
        // them is the text from the first to the last.
        func text(_ run: ArraySlice<Substring.UTF8View>) -> String {
            guard let first = run.first, let last = run.last else { return "" }
            return String(line[first.startIndex..<last.endIndex])
        }
        self.init(normalizedFamily: String(Substring(words[words.count - 1])), given: text(words[..<start]),
                  particle: text(words[start..<(words.count - 1)]), suffix: suffix)
    }

    /// `van der Berg` as particle `van der` and family `Berg`: the leading lower-case
    /// words, keeping at least one word as the family name.
    public static func splitParticle(_ text: String) -> (particle: String, family: String) {
        let line = TextNormalization.singleLine(text)
        let words = line.utf8.split(separator: UInt8(ascii: " "))
        var start = 0
        while start < words.count - 1, startsLowercase(words[start]) { start += 1 }
        guard start > 0 else { return ("", line) }
        return (String(line[words[0].startIndex..<words[start - 1].endIndex]), String(line[words[start].startIndex...]))
    }

    /// Whether a word's first character is lower case (`van`, `de`, `ibn`, `ʻelua`).
    private static func startsLowercase(_ word: Substring.UTF8View) -> Bool {
        guard let first = word.first else { return false }
        if first < 0x80 { return first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") }
        return Substring(word).first?.isLowercase == true
    }

    /// Whether a word is one of ``suffixes``, in any case (all of them are ASCII).
    private static func isSuffix(_ word: Substring.UTF8View) -> Bool {
        guard word.count <= 3, word.allSatisfy({ $0 < 0x80 }) else { return false }
        return suffixes.contains(String(decoding: word.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self))
    }

    /// The family name of a display name: the part before a comma (`Vaswani,
    /// Ashish`), else the last word. Citation keys, title ids and ``WorkMatch``
    /// compare first authors by it, so it reads only the display name, never parts.
    public static func familyName(of name: String) -> String {
        if let comma = name.firstIndex(of: ",") {
            return String(name[..<comma].trimmingWhitespace())
        }
        return TextNormalization.collapsingWhitespace(name).utf8.split(separator: 0x20).last.map { String(Substring($0)) } ?? ""
    }

    /// Each display name with its parts: the first unused known name whose
    /// ``displayName`` it is, else the display name parsed (``init(parsing:)``).
    ///
    /// A paper keeps the parts only of the names that need them, and its authors
    /// and their parts are two fields that may be edited or synced apart: a part
    /// list that no longer matches an author is simply not used for it.
    public static func names(of authors: [String], known: [PersonName]) -> [PersonName] {
        guard !known.isEmpty else { return authors.map(PersonName.init(parsing:)) }
        // As set together: each in its place.
        if known.count == authors.count, zip(known, authors).allSatisfy({ $0.displayName == $1 }) { return known }
        var unused = known
        return authors.map { author in
            let display = TextNormalization.singleLine(author)
            if let index = unused.firstIndex(where: { $0.displayName == display }) {
                return unused.remove(at: index)
            }
            return PersonName(parsing: author)
        }
    }
}

extension PersonName {
    /// The name as a paper's `author_names` field holds it: `{"literal": ...}` or
    /// the parts that are set (`family`, `given`, `particle`, `dropping_particle`,
    /// `suffix`, `use_prefix`).
    public var jsonValue: JSONValue {
        if let literal { return .object(["literal": .string(literal)]) }
        var object: [String: JSONValue] = ["family": .string(family)]
        for (key, value) in [("given", given), ("particle", particle), ("dropping_particle", droppingParticle), ("suffix", suffix)] where !value.isEmpty {
            object[key] = .string(value)
        }
        if let usePrefix { object["use_prefix"] = .bool(usePrefix) }
        return .object(object)
    }

    /// A name from its `author_names` form; nil for anything else.
    public init?(json: JSONValue) {
        guard case .object(let object) = json else { return nil }
        if let literal = object["literal"]?.stringValue {
            self.init(literal: literal)
        } else if let family = object["family"]?.stringValue {
            self.init(family: family, given: object["given"]?.stringValue ?? "", particle: object["particle"]?.stringValue ?? "",
                      droppingParticle: object["dropping_particle"]?.stringValue ?? "", suffix: object["suffix"]?.stringValue ?? "",
                      usePrefix: object["use_prefix"]?.boolValue)
        } else {
            return nil
        }
        if isEmpty { return nil }
    }
}
