extension BibTeX {
    /// `2024`, `2024-05` or `2024-05-30`: what ``Model/Paper/published`` holds.
    static func isPlainDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts[0].count == 4, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts.dropFirst().allSatisfy({ $0.count == 2 }) else { return false }
        if parts.count > 1, let month = Int(parts[1]), !(1...12).contains(month) { return false }
        if parts.count > 2, let day = Int(parts[2]), !(1...31).contains(day) { return false }
        return true
    }

    /// The year a `year` field says: its first four digits standing alone, as a style
    /// prints them (`1998`, `January 1978`, `1998--1999`, `{\noopsort{a}}1973` once
    /// converted to text); nil when there are none (`to appear`).
    static func yearNumber(in text: String) -> Int? {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            guard UTF8Bytes.isDigit(bytes[i]) else { i += 1; continue }
            var end = i
            while end < bytes.count, UTF8Bytes.isDigit(bytes[end]) { end += 1 }
            if end - i == 4 { return Int(String(decoding: bytes[i..<end], as: UTF8.self)) }
            i = end
        }
        return nil
    }

    /// A month as one name (`May`, `jan`) or number (`5`).
    static func isPlainMonth(_ text: String) -> Bool {
        let lower = text.lowercased()
        if let number = Int(lower) { return (1...12).contains(number) }
        return monthNames.contains(lower) || monthNames.contains { $0.prefix(3) == lower }
    }

    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                             "october", "november", "december"]

    static func monthNumber(_ text: String) -> Int? {
        if let number = Int(text), (1...12).contains(number) { return number }
        let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        return names.firstIndex(of: String(text.lowercased().prefix(3))).map { $0 + 1 }
    }
}
