import Foundation
@testable import Model
import Testing

/// The readers that run for every paper a list or an export reads (ids, arXiv ids,
/// DOIs, names, JSON lists) work on UTF-8 bytes; each is pinned here to the
/// general reading it replaced, on random inputs with a printed, replayable seed.
@Suite("Readings on bytes agree with the general ones")
struct ReadingOnBytesTests {
    static func random(_ name: String, default value: UInt64) -> SplitMix64 {
        let seed = ProcessInfo.processInfo.environment[name].flatMap(UInt64.init) ?? value
        print("\(name)=\(seed)")
        return SplitMix64(seed: seed)
    }

    @Test func aUUIDInItsTextFormReadsAsFoundationReadsIt() {
        var random = Self.random("UUID_SEED", default: 0x5EED)
        let alphabet = Array("0123456789abcdefABCDEFg-x ")
        for round in 0..<3_000 {
            let uuid = UUID(uuid: (UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()),
                                   UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()),
                                   UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()),
                                   UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next())))
            #expect(uuid.lowercased == uuid.uuidString.lowercased(), "round \(round)")
            var text = Array(random.next() % 2 == 0 ? uuid.uuidString : uuid.lowercased)
            // Half the rounds damage the text: a character replaced, dropped or added.
            switch random.next() % 6 {
            case 0: text[Int(random.next() % 36)] = alphabet[Int(random.next() % UInt64(alphabet.count))]
            case 1: text.remove(at: Int(random.next() % 36))
            case 2: text.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: Int(random.next() % 37))
            default: break
            }
            let string = String(text)
            // Exactly the 36-character form, which Foundation reads the same way
            // (its `sscanf` also lets through some damaged texts, such as `0x` in a group).
            let isCanonical = text.count == 36 && text.enumerated().allSatisfy { index, character in
                [8, 13, 18, 23].contains(index) ? character == "-" : character.isHexDigit
            }
            #expect((UUID(parsing: string) != nil) == isCanonical, "round \(round): \(string)")
            if isCanonical { #expect(UUID(parsing: string) == UUID(uuidString: string), "round \(round): \(string)") }
        }
    }

    /// Random texts made like ids, half of them then damaged in one character.
    static func damaged(_ text: String, _ random: inout SplitMix64) -> String {
        guard random.next() % 2 == 0, !text.isEmpty else { return text }
        var characters = Array(text)
        let junk: [Character] = ["v", "V", ".", "/", "-", "1", "0", "x", "é", "１", " ", "A"]
        characters[Int(random.next() % UInt64(characters.count))] = junk[Int(random.next() % UInt64(junk.count))]
        return String(characters)
    }

    @Test func anArXivIDReadsAsTheCharacterReadingDid() {
        var random = Self.random("ARXIV_SEED", default: 0xA4C1)
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(random.next() % 10)) }) }
        let prefixes = ["", "", "arXiv:", "ARXIV:", "https://arxiv.org/abs/", "http://export.arxiv.org/pdf/", " "]
        let archives = ["hep-th", "math", "math.GT", "MATH.gt", "math.", "cond-mat.str-el", "q-bio", "1math"]
        var read = 0
        for round in 0..<5_000 {
            var body: String
            if random.next() % 2 == 0 {
                body = digits(4) + "." + digits(random.next() % 2 == 0 ? 4 : 5)
            } else {
                body = archives[Int(random.next() % UInt64(archives.count))] + "/" + digits(random.next() % 4 == 0 ? 6 : 7)
            }
            if random.next() % 2 == 0 { body += (random.next() % 2 == 0 ? "v" : "V") + digits(Int(1 + random.next() % 2)) }
            let text = Self.damaged(prefixes[Int(random.next() % UInt64(prefixes.count))] + body, &random)
            let expected = CharacterReading.arXiv(text)
            let actual = ArXivID(text)
            #expect(actual?.id == expected?.id && actual?.version == expected?.version, "round \(round): \(text)")
            if actual != nil { read += 1 }
        }
        // Enough of the texts are ids, and enough are not, for the comparison to mean something.
        #expect((1_000...4_000).contains(read), "\(read) ids read")
        #expect(ArXivID("MATH.gt/0309136v2")?.description == "math.GT/0309136v2")
        #expect(ArXivID("2413.12345") == nil)
    }

    /// A bare DOI takes the quick path; `doi:` before it takes the general one.
    @Test func aBareDOIReadsAsTheGeneralReadingDoes() {
        var random = Self.random("DOI_SEED", default: 0xD01)
        let registrants = ["1103", "1145", "12", "1000.5", "5555.", "1234567"]
        let suffixes = ["PhysRevLett.116.061102", "3442188.3445922", "abc", "ABC-(1)", "é", "a b", "", "x%20y", "s12916-019-1318-5"]
        var read = 0
        for round in 0..<5_000 {
            let text = Self.damaged("10." + registrants[Int(random.next() % UInt64(registrants.count))] + "/"
                + suffixes[Int(random.next() % UInt64(suffixes.count))], &random)
            let quick = DOI(text), general = DOI("doi:" + text)
            #expect(quick?.value == general?.value && quick?.written == general?.written, "round \(round): \(text)")
            if quick != nil { read += 1 }
        }
        #expect((1_000...4_000).contains(read), "\(read) DOIs read")
    }

    @Test func aNameReadsAsTheCharacterReadingDid() {
        var random = Self.random("NAME_SEED", default: 0x4A3E)
        let words = ["Ada", "de", "van", "der", "Jr.", "JR", "V", "iii", "O'Neil", "Uría", "Ríu", "d'Alembert", "ʻelua", "élan", "Émile",
                     "li", "Ng", ",", "  ", "\n", "A.", "Zoë", "1st", "İi"]
        for round in 0..<5_000 {
            let name = (0..<Int(random.next() % 6)).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
            #expect(PersonName(parsing: name) == CharacterReading.name(name), "round \(round): \(name)")
        }
    }

    @Test func aListOrObjectOfStringsReadsAsTheJSONParserReadsIt() throws {
        var random = Self.random("JSON_STRINGS_SEED", default: 0x150)
        let pieces = ["Ada", "\"", "\\", "\n", "é", "🙂", "\u{1}", "{", "]", ",", " ", ""]
        for round in 0..<2_000 {
            let strings = (0..<Int(random.next() % 5)).map { _ in
                (0..<Int(random.next() % 4)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            }
            let array = JSONValue.array(strings.map(JSONValue.string)).canonicalJSON
            #expect(JSONValue.strings(inArray: array) == strings, "round \(round): \(array)")
            let object = JSONValue.object(Dictionary(strings.map { ($0, JSONValue.string($0 + "!")) }, uniquingKeysWith: { a, _ in a }))
            let members = try JSONValue(parsing: object.canonicalJSON)
            #expect(JSONValue.strings(inObject: object.canonicalJSON).map { JSONValue.object($0.mapValues(JSONValue.string)) } == members, "round \(round)")
        }
        // Anything but strings is left to the general parser.
        #expect(JSONValue.strings(inArray: #"["a",1]"#) == nil)
        #expect(JSONValue.strings(inArray: #" [ "a" , "b" ] "#) == ["a", "b"])
        #expect(JSONValue.strings(inArray: #"["a""#) == nil)
        #expect(JSONValue.strings(inObject: #"{"a":{"b":"c"}}"#) == nil)
        #expect(JSONValue.strings(inObject: #"{}"#) == [:])
    }
}

/// The Character-by-Character readings the byte readings replaced, kept as the
/// reference they are checked against.
enum CharacterReading {
    static func arXiv(_ text: String) -> (id: String, version: Int?)? {
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        for prefix in ["https://", "http://"] where rest.lowercased().hasPrefix(prefix) { rest = rest.dropFirst(prefix.count) }
        let lower = rest.lowercased()
        var sawURL = false
        for host in ["www.arxiv.org/", "export.arxiv.org/", "arxiv.org/"] where lower.hasPrefix(host) {
            rest = rest.dropFirst(host.count)
            sawURL = true
            break
        }
        if sawURL {
            let lowerPath = rest.lowercased()
            guard let kind = ["abs/", "pdf/", "html/"].first(where: { lowerPath.hasPrefix($0) }) else { return nil }
            rest = rest.dropFirst(kind.count)
            if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
            while rest.hasSuffix("/") { rest = rest.dropLast() }
            if rest.lowercased().hasSuffix(".pdf") { rest = rest.dropLast(4) }
        } else if lower.hasPrefix("arxiv:") {
            rest = rest.dropFirst(6)
        }
        var body = rest
        var version: Int?
        if let v = body.lastIndex(where: { $0 == "v" || $0 == "V" }) {
            let digits = body[body.index(after: v)...]
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits) {
                version = number
                body = body[..<v]
            }
        }
        if let slash = body.firstIndex(of: "/") {
            let archive = body[..<slash], number = body[body.index(after: slash)...]
            guard number.count == 7, number.allSatisfy({ $0.isASCII && $0.isNumber }), !archive.isEmpty,
                  archive.allSatisfy({ ($0.isASCII && $0.isLetter) || $0 == "-" || $0 == "." }),
                  archive.first.map({ $0.isASCII && $0.isLetter }) == true
            else { return nil }
            var parts = archive.split(separator: ".", maxSplits: 1)
            parts[0] = Substring(parts[0].lowercased())
            if parts.count == 2 { parts[1] = Substring(parts[1].uppercased()) }
            return (parts.joined(separator: ".") + "/" + number, version)
        }
        let pieces = body.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces[0].count == 4, pieces[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              pieces[1].count == 4 || pieces[1].count == 5, pieces[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let month = Int(pieces[0].suffix(2)), (1...12).contains(month)
        else { return nil }
        return (String(body), version)
    }

    static func name(_ name: String) -> PersonName {
        func splitParticle(_ text: String) -> (particle: String, family: String) {
            let words = TextNormalization.singleLine(text).split(separator: " ")
            var start = 0
            while start < words.count - 1, words[start].first?.isLowercase == true { start += 1 }
            return (words[..<start].joined(separator: " "), words[start...].joined(separator: " "))
        }
        if let comma = name.firstIndex(of: ",") {
            let (particle, family) = splitParticle(String(name[..<comma]))
            return PersonName(family: family, given: String(name[name.index(after: comma)...]), particle: particle)
        }
        var words = TextNormalization.singleLine(name).split(separator: " ").map(String.init)
        var suffix = ""
        if words.count > 2, let last = words.last, ["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"].contains(last.lowercased()) {
            suffix = last
            words.removeLast()
        }
        guard words.count > 1 else { return PersonName(family: words.first ?? "", suffix: suffix) }
        var start = words.count - 1
        while start > 1, words[start - 1].first?.isLowercase == true { start -= 1 }
        return PersonName(family: words[words.count - 1], given: words[..<start].joined(separator: " "),
                          particle: words[start..<(words.count - 1)].joined(separator: " "), suffix: suffix)
    }
}
