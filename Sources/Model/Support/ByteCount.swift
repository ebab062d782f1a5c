/// Sizes of files as people write and read them: `200 MiB`, `5GB`, `1.5 GB`.
///
/// ```swift
/// ByteCount.parse("5GB")        // 5_000_000_000
/// ByteCount.parse("200MiB")     // 209_715_200
/// ByteCount.text(209_715_200)   // "200 MiB"
/// ```
public enum ByteCount {
    /// The number of bytes `text` means: a number with an optional unit (B, KB,
    /// MB, GB, TB in powers of 1000; KiB, MiB, GiB, TiB in powers of 1024; K, M, G
    /// and T as the binary units), case and spaces ignored; nil when it means none.
    public static func parse(_ text: String) -> Int64? {
        let compact = text.filter { !$0.isWhitespace }.lowercased()
        let number = compact.prefix { $0.isNumber || $0 == "." }
        let unit = compact.dropFirst(number.count)
        guard let value = Double(number), value >= 0 else { return nil }
        let factor: Double
        switch unit {
        case "", "b": factor = 1
        case "kb": factor = 1e3
        case "mb": factor = 1e6
        case "gb": factor = 1e9
        case "tb": factor = 1e12
        case "k", "kib": factor = 1024
        case "m", "mib": factor = 1_048_576
        case "g", "gib": factor = 1_073_741_824
        case "t", "tib": factor = 1_099_511_627_776
        default: return nil
        }
        let bytes = (value * factor).rounded()
        guard bytes < 9.2e18 else { return nil }
        return Int64(bytes)
    }

    /// A size for a terminal, in binary units with at most one decimal: `512 B`,
    /// `1.5 KiB`, `200 MiB`, `2 GiB`.
    public static func text(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = (value * 10).rounded() / 10
        let shown = tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
        return "\(shown) \(units[unit])"
    }
}
