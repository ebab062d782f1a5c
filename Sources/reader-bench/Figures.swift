import Foundation

/// How the benchmarks print their figures, shared by every subcommand.
enum Figures {
    /// `0.0123` as `12.3 ms`, `2.5` as `2.50 s`.
    static func ms(_ seconds: Double) -> String {
        seconds >= 1 ? String(format: "%.2f s", seconds) : String(format: "%.1f ms", seconds * 1000)
    }

    /// Kilobytes (GNU time's unit) as `53 MiB`, or `n/a` when unmeasured.
    static func mib(_ kib: Int?) -> String { kib.map { String(format: "%.0f MiB", Double($0) / 1024) } ?? "n/a" }

    /// The median of a non-empty list.
    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
