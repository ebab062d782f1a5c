import Foundation
import Model
import Testing
@testable import Interchange

/// Names are read as bibtex, pybtex and biber read them and written so that they
/// read back as the same parts (pybtex's reading of the same files is compared in
/// `Tests/Validation/validate_roundtrip.py`, run by `BibTeXInteropTests`).
@Suite("Names in BibTeX, BibLaTeX, CSL and RIS")
struct BibTeXNameTests {
    func name(_ text: String) throws -> PersonName { try #require(BibTeXName.name(text)) }

    @Test func familyNamesOfSeveralWordsStayWhole() throws {
        #expect(try name(#"Ur{\'\i}a R{\'\i}u, Juan"#) == PersonName(family: "Uría Ríu", given: "Juan"))
        #expect(try name("{Bernheim Brush}, A. J.") == PersonName(family: "Bernheim Brush", given: "A. J."))
        #expect(try name("Brinch Hansen, Per").displayName == "Per Brinch Hansen")
    }

    @Test func vonPartsAreTheLowerCaseWordsBeforeTheLastName() throws {
        #expect(try name("Ludwig van Beethoven") == PersonName(family: "Beethoven", given: "Ludwig", particle: "van"))
        #expect(try name("van der Vaart, A. W.") == PersonName(family: "Vaart", given: "A. W.", particle: "van der"))
        #expect(try name("Jean de La Fontaine") == PersonName(family: "La Fontaine", given: "Jean", particle: "de"))
        #expect(try name(#"Charles Louis Xavier Joseph de la Vall{\'e}e Poussin"#)
                == PersonName(family: "Vallée Poussin", given: "Charles Louis Xavier Joseph", particle: "de la"))
        #expect(try name("Gerard 't Hooft") == PersonName(family: "Hooft", given: "Gerard", particle: "'t"))
        #expect(try name("danah boyd") == PersonName(family: "boyd", particle: "danah"), "as bibtex reads it")
        #expect(try name("Ludwig {van Beethoven}") == PersonName(family: "van Beethoven", given: "Ludwig"), "braces have no case")
        #expect(try name(#"{\'E}mile Zola"#) == PersonName(family: "Zola", given: "Émile"), "a special character's letter decides")
    }

    @Test func suffixesAreTheMiddleOfThreeParts() throws {
        #expect(try name("King, Jr., Martin Luther") == PersonName(family: "King", given: "Martin Luther", suffix: "Jr."))
        #expect(try name("King, Jr., Martin Luther").displayName == "Martin Luther King Jr.")
    }

    @Test func organisationsInBracesAreOneNameKeptWhole() throws {
        let names = BibTeXName.names("{American Psychological Association} and {Barnes and Noble, Inc.} and Ronald L. Rivest and others")
        #expect(names.map(\.displayName) == ["American Psychological Association", "Barnes and Noble, Inc.", "Ronald L. Rivest"])
        #expect(names[0].literal == "American Psychological Association" && names[1].literal == "Barnes and Noble, Inc.")
        #expect(BibTeXName.written(names[1], dialect: .bibtex) == "{Barnes and Noble, Inc.}")
    }

    @Test func biblatexExtendedNamesAreRead() throws {
        let heuvel = try name("family=Heuvel, given=Charles, prefix=van den, useprefix=true")
        #expect(heuvel == PersonName(family: "Heuvel", given: "Charles", particle: "van den", usePrefix: true))
        #expect(heuvel.displayName == "Charles van den Heuvel")
        #expect(BibTeXName.written(heuvel, dialect: .biblatex) == "family={Heuvel}, given={Charles}, prefix={van den}, useprefix=true")
        #expect(BibTeXName.written(heuvel, dialect: .bibtex) == "van den Heuvel, Charles")
        #expect(try name(#"given={Jean}, family="de La Fontaine""#) == PersonName(family: "de La Fontaine", given: "Jean"))
    }

    /// Random names from pieces that each need care (lower-case words, commas, the
    /// word `and`, LaTeX's special characters) read back as written, in both dialects.
    @Test func aVonPartThatStartsWithACapitalIsWrittenAsBibtexReadsIt() throws {
        // Before a comma, bibtex and biber read von up to its last lower-case word.
        let fosas = PersonName(family: "Pando", given: "Miguel", particle: "Fosas de")
        #expect(try name("Fosas de Pando, Miguel") == fosas)
        #expect(BibTeXName.written(fosas, dialect: .bibtex) == "Fosas de Pando, Miguel")
        #expect(BibTeXName.written(fosas, dialect: .biblatex) == "Fosas de Pando, Miguel")
    }

    @Test func namesThatShowTheSameKeepTheirOwnParts() throws {
        // The same person twice, written two ways (a real library's entry).
        let draft = try #require(try BibTeX.parse("@article{k, title = {T}, author = {Negro, Luca Dal and Dal Negro, Luca}}", file: "a.bib").first)
        let paper = Paper(id: UUID(), values: draft.fieldValues)
        #expect(paper.names == [PersonName(family: "Negro", given: "Luca Dal"), PersonName(family: "Dal Negro", given: "Luca")])
    }

    @Test func whatIsWrittenReadsBackAsTheSameParts() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["NAMES_SEED"].flatMap(UInt64.init) ?? 0x4E41)
        print("NAMES_SEED=\(seed)")
        var random = SplitMix64(seed: seed)
        let words = ["Smith", "van", "der", "de la", "Uría Ríu", "d'Alembert", "'t", "and", "O'Neil", "Müller", "li", "Ng",
                     "Jr.", "A. J.", "Zoë", "100%", "a_b", "C#", "Ω", "中文", "Jean-Pierre", "{", "Inc.,", "x & y", "boyd"]
        func pick(_ max: UInt64) -> String {
            (0..<Int(random.next() % max)).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
        }
        for round in 0..<2_000 {
            var original: PersonName
            if random.next() % 10 == 0 {
                original = PersonName(literal: pick(4) + " Institute")
            } else {
                let particles = ["", "", "van", "van den", "de la", "von", "Van", "'t"]
                original = PersonName(family: "F" + pick(3), given: pick(3), particle: particles[Int(random.next() % UInt64(particles.count))],
                                      suffix: random.next() % 6 == 0 ? "Jr." : "")
                if random.next() % 8 == 0 { original.usePrefix = random.next() % 2 == 0 }
            }
            if original.isEmpty { continue }
            if original.given.isEmpty, original.particle.isEmpty, original.suffix.isEmpty, original.family.contains(where: { $0 == " " || $0 == "," }) {
                // A family name alone of several words (or with a comma) is written in braces: one name kept whole.
                original = PersonName(literal: original.family)
            }
            let biblatex = try #require(BibTeXName.name(BibTeXName.written(original, dialect: .biblatex)))
            #expect(biblatex == original, "NAMES_SEED=\(seed) round \(round): \(BibTeXName.written(original, dialect: .biblatex))")
            // Classic BibTeX has no useprefix: the same name, shown the same.
            let bibtex = try #require(BibTeXName.name(BibTeXName.written(original, dialect: .bibtex)))
            #expect(bibtex.displayName == original.displayName, "NAMES_SEED=\(seed) round \(round): \(BibTeXName.written(original, dialect: .bibtex))")
            if original.usePrefix == nil, original.particle.first?.isUppercase != true {
                #expect(bibtex == original, "NAMES_SEED=\(seed) round \(round): \(BibTeXName.written(original, dialect: .bibtex))")
            }
        }
    }

    @Test func cslParticlesSuffixesAndLiteralsSurviveAnImportAndExport() throws {
        let items = """
            [{"id": "a", "type": "book", "title": "One", "author": [
              {"family": "Heuvel", "given": "Charles", "non-dropping-particle": "van den"},
              {"family": "Gaulle", "given": "Charles", "dropping-particle": "de"},
              {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
              {"literal": "World Health Organization"}]}]
            """
        let draft = try #require(try CSLJSON.parse(Data(items.utf8), file: "a.json").first)
        #expect(draft.authors == ["Charles van den Heuvel", "Charles de Gaulle", "Martin Luther King Jr.", "World Health Organization"])
        let names = draft.authorNames.map(CSLJSON.cslName)
        guard case .object(let item)? = try JSONValue(parsing: items).arrayValue?.first else { Issue.record("no item"); return }
        #expect(names == item["author"]?.arrayValue)
    }

    @Test func risNamesKeepTheirPartsAndOrganisationsStayWhole() throws {
        for written in ["van den Heuvel, Charles", "King, Martin Luther, Jr.", "World Health Organization",
                        "Department of Health, Education, and Welfare", "Plato"] {
            let name = try #require(RIS.name(written))
            #expect(RIS.risName(name) == written)
        }
        #expect(RIS.name("World Health Organization")?.literal == "World Health Organization")
        #expect(RIS.name("van den Heuvel, Charles") == PersonName(family: "Heuvel", given: "Charles", particle: "van den"))
    }
}
