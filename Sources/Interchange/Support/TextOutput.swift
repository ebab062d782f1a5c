/// Where exporters write: anything that takes text, such as a buffered file or a `String`.
public protocol TextOutput {
    mutating func write(_ text: String)
}

extension String: TextOutput {}

extension Int {
    /// `1384` as `1,384`, for messages.
    var grouped: String {
        let digits = Array(String(self))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }
}
