/// HTML escaping for text the templates do not escape themselves (Markdown,
/// snippets, charts): every user string goes through ``escape(_:)`` once.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe in an
    /// element's text and in a quoted attribute.
    static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
