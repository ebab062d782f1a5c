import Foundation

/// Instants as ISO 8601 text in UTC, to the millisecond: `2026-11-27T00:12:26.123Z`,
/// and days: `2026-11-27`.
///
/// Written out by hand for two reasons. Foundation's `Date.ISO8601FormatStyle`
/// truncates the fraction of a `Date` made from milliseconds (`…16.130` as `…16.129`
/// for about half of all instants), and building one costs a short-lived command a
/// millisecond of conformance look-ups and calendar set-up (docs/benchmarks.md,
/// "Start-up"). Every instant reader stores is a whole number of milliseconds.
///
/// ```swift
/// ISOTimestamp.text(Date(timeIntervalSince1970: 1_764_202_346.123)) // "2025-11-27T00:12:26.123Z"
/// ```
public enum ISOTimestamp {
    /// `2026-11-27T00:12:26.123Z`: the nearest millisecond.
    public static func text(_ date: Date) -> String {
        text(millis: milliseconds(date))
    }

    /// `2026-11-27T00:12:26.123Z`.
    public static func text(millis: Int64) -> String {
        let (days, rest) = floorDivision(millis, 86_400_000)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        appendDay(days: days, to: &text)
        text.append(UInt8(ascii: "T"))
        append(rest / 3_600_000, width: 2, to: &text); text.append(UInt8(ascii: ":"))
        append(rest / 60_000 % 60, width: 2, to: &text); text.append(UInt8(ascii: ":"))
        append(rest / 1000 % 60, width: 2, to: &text); text.append(UInt8(ascii: "."))
        append(rest % 1000, width: 3, to: &text); text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// `2026-11-27`: the day in UTC.
    public static func day(_ date: Date) -> String {
        day(days: floorDivision(milliseconds(date), 86_400_000).quotient)
    }

    /// The day `days` after 1970-01-01.
    static func day(days: Int64) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(10)
        appendDay(days: days, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DD` for the day `days` after 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`); a year before 1 is written with a minus, one after 9999
    /// with all its digits. (Written into bytes: an export writes two per paper.)
    private static func appendDay(days: Int64, to text: inout [UInt8]) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        if year < 0 { text.append(UInt8(ascii: "-")) }
        append(year < 0 ? -year : year, width: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        append(month, width: 2, to: &text)
        text.append(UInt8(ascii: "-"))
        append(day, width: 2, to: &text)
    }

    /// Appends a non-negative `value` in decimal, with leading zeros to `width` digits.
    private static func append(_ value: Int64, width: Int, to text: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = UInt64(value)
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            for _ in count..<max(width, count) { text.append(UInt8(ascii: "0")) }
            for index in stride(from: count - 1, through: 0, by: -1) { text.append(buffer[index]) }
        }
    }

    static func milliseconds(_ date: Date) -> Int64 {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        // Past any date a library holds (year 292,278,994): clamp rather than trap.
        return millis.isFinite ? Int64(max(min(millis, 9.2e18), -9.2e18)) : 0
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = value >= 0 ? value / divisor : -((-value - 1) / divisor) - 1
        return (quotient, value - quotient * divisor)
    }

}
