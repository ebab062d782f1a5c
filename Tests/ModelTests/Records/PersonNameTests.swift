import Foundation
import Testing
@testable import Model

@Suite("People's names in parts")
struct PersonNameTests {
    @Test func aDisplayNameIsReadAsTheCommonWesternOrder() {
        #expect(PersonName(parsing: "Ludwig van Beethoven") == PersonName(family: "Beethoven", given: "Ludwig", particle: "van"))
        #expect(PersonName(parsing: "Martin Luther King Jr.") == PersonName(family: "King", given: "Martin Luther", suffix: "Jr."))
        #expect(PersonName(parsing: "van der Berg, Anna") == PersonName(family: "Berg", given: "Anna", particle: "van der"))
        #expect(PersonName(parsing: "Plato") == PersonName(family: "Plato"))
    }

    @Test func partsArePairedWithAuthorsByDisplayName() {
        let known = [PersonName(family: "Uría Ríu", given: "Juan"), PersonName(literal: "OpenAI")]
        #expect(PersonName.names(of: ["OpenAI", "Ada Lovelace", "Juan Uría Ríu"], known: known)
                == [PersonName(literal: "OpenAI"), PersonName(family: "Lovelace", given: "Ada"), PersonName(family: "Uría Ríu", given: "Juan")])
    }

    /// The quick answer of `isReadFromDisplayName` for common names is the parser's.
    @Test func theQuickAnswerIsTheParsersAnswer() {
        let seed = UInt64(ProcessInfo.processInfo.environment["PERSON_NAME_SEED"].flatMap(UInt64.init) ?? 0x9A3E)
        print("PERSON_NAME_SEED=\(seed)")
        var random = SplitMix64(seed: seed)
        let words = ["Ada", "de", "van", "Jr.", "V", "iii", "O'Neil", "Uría Ríu", "d'Alembert", "li", "Ng", "A.", "Zoë", ",", ""]
        func pick() -> String { words[Int(random.next() % UInt64(words.count))] }
        for round in 0..<5_000 {
            let name = PersonName(family: pick(), given: [pick(), pick()].joined(separator: " "), particle: random.next() % 5 == 0 ? pick() : "")
            #expect(name.isReadFromDisplayName == (PersonName(parsing: name.displayName) == name), "PERSON_NAME_SEED=\(seed) round \(round): \(name)")
        }
    }
}
