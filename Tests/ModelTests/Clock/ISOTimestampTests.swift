import Foundation
import Model
import PropertyBased
import Testing

@Suite("ISO 8601 timestamps")
struct ISOTimestampTests {
    @Test func knownInstantsReadAsTheCalendarSays() {
        #expect(ISOTimestamp.text(millis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(ISOTimestamp.text(millis: -1) == "1969-12-31T23:59:59.999Z")
        #expect(ISOTimestamp.text(millis: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(ISOTimestamp.text(millis: 1_764_202_346_123) == "2025-11-27T00:12:26.123Z")
        #expect(ISOTimestamp.day(Date(timeIntervalSince1970: 1_709_251_199.999)) == "2024-02-29")
    }

    @Test func aDateMadeFromMillisecondsKeepsItsLastMillisecond() {
        // Foundation's ISO8601FormatStyle prints this one as .129.
        #expect(ISOTimestamp.text(Date(timeIntervalSince1970: Double(227_374_996_130) / 1000)) == "1977-03-16T15:43:16.130Z")
    }

    /// Against the Gregorian calendar of Foundation in UTC, on whole seconds (which a
    /// `Date` holds exactly) plus the milliseconds, from 1600 to 2400.
    @Test func everyInstantMatchesTheGregorianCalendar() async {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let utc = calendar
        await propertyCheck(count: 2000, input: Gen.int64(in: -11_676_096_000_000...13_569_465_600_000)) { millis in
            let seconds = Int64((Double(millis) / 1000).rounded(.down))
            let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, Int(millis - seconds * 1000))
            #expect(ISOTimestamp.text(millis: millis) == expected)
            #expect(ISOTimestamp.text(Date(timeIntervalSince1970: Double(millis) / 1000)) == expected)
        }
    }
}
