import Foundation
import Model
import Testing

@Suite("Tags, statuses and values")
struct RecordTests {
    @Test func tagNamesAreCaseFoldedAndSpacesBecomeDashes() throws {
        #expect(try TagName("Deep  Learning").value == "deep-learning")
        #expect(try TagName("ÉTÉ").value == "été")
        #expect(try TagName("e\u{301}t\u{e9}").value == "été")
    }

    @Test(arguments: ["", "   ", "---", "-ml", String(repeating: "x", count: 65)])
    func unusableTagNamesAreRefusedWithAReason(text: String) {
        #expect(throws: TagNameError.self) { try TagName(text) }
    }

    @Test func statusNamesAreCaseInsensitive() {
        #expect(ReadingStatus(name: "READ") == .read)
        #expect(ReadingStatus(name: "done") == nil)
        #expect(ReadingStatus.namesForMessages == "inbox, queued, reading, read or dropped")
    }

    @Test func canonicalJSONSortsKeysAndEscapesOnlyWhatJSONRequires() {
        let value = JSONValue.object(["b": .array([.int(1), .null, .bool(true)]), "a": .string("é \"q\" \\ \n\u{1}")])
        #expect(value.canonicalJSON == #"{"a":"é \"q\" \\ \n\u0001","b":[1,null,true]}"#)
        let decoded = try? JSONDecoder().decode(JSONValue.self, from: Data(value.canonicalJSON.utf8))
        #expect(decoded == value)
    }

    @Test func floatsAreNotValues() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(JSONValue.self, from: Data("1.5".utf8)) }
    }

    @Test func draftsStoreNormalizedTextOnly() {
        var draft = PaperDraft(title: "  Attention\n Is   All ", authors: ["Ashish  Vaswani"])
        draft.arxiv = ArXivID("1706.03762v5")
        let values = draft.fieldValues
        #expect(values["title"] == .string("Attention Is All"))
        #expect(values["authors"] == .array([.string("Ashish Vaswani")]))
        #expect(values["arxiv_id"] == .string("1706.03762"))
        #expect(values["arxiv_version"] == .int(5))
        #expect(values["abstract"] == nil)
    }

    @Test func matchKeyFoldsCaseAccentsWidthAndPunctuation() {
        #expect(TextNormalization.matchKey("  Ｃafé: A—B, (2024)! ") == "cafe a b 2024")
    }

    @Test(arguments: [
        (#"{"a":[1,-2,"x",null,true,false,{}],"b":"\u00e9\ud83d\ude00\n\"\\\/"}"#, JSONValue.object(["a": .array([.int(1), .int(-2), .string("x"), .null, .bool(true), .bool(false), .object([:])]), "b": .string("é😀\n\"\\/")])),
        (" [ ] ", .array([])),
        ("9223372036854775807", .int(Int64.max)),
        ("-9223372036854775808", .int(Int64.min)),
    ])
    func theJSONParserReadsValidJSON(text: String, value: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == value)
    }

    @Test(arguments: ["", "1.5", "1e3", "01", "[1,]", "{\"a\" 1}", "\"unterminated", "\"\\ud800\"", "nul", "[1] 2", "9223372036854775808", "\"tab\there\"", "{1:2}"])
    func theJSONParserRefusesInvalidJSONAndFloats(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func parsingWhatCanonicalJSONWroteGivesTheSameValue() throws {
        let value = JSONValue.object(["text": .string("Ünïcode \u{1} \t \"q\" 🙂 \r\n"), "n": .int(-5), "list": .array([.null, .bool(true)])])
        #expect(try JSONValue(parsing: value.canonicalJSON) == value)
    }
}
