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
        var text = day(days: days)
        let (hour, minute, second, milli) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000)
        text.append("T")
        text.append(padded(hour, 2)); text.append(":")
        text.append(padded(minute, 2)); text.append(":")
        text.append(padded(second, 2)); text.append(".")
        text.append(padded(milli, 3)); text.append("Z")
        return text
    }

    /// `2026-11-27`: the day in UTC.
    public static func day(_ date: Date) -> String {
        day(days: floorDivision(milliseconds(date), 86_400_000).quotient)
    }

    /// The day `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func day(days: Int64) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let yearText = year < 0 ? "-" + padded(-year, 4) : padded(year, 4)
        return yearText + "-" + padded(month, 2) + "-" + padded(day, 2)
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

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
