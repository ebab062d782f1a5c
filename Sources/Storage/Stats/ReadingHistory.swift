import Foundation
import Model

/// A library's reading, week by week: what was added, what was read, how long the
/// unread pile was, and how long papers waited before they were read.
///
/// Weeks start on Monday at 00:00 UTC; ``weeks`` holds the last ``weekCount`` of
/// them, oldest first, the last one being the week of `now`.
public struct ReadingHistory: Sendable {
    /// One week of reading.
    public struct Week: Hashable, Sendable {
        /// Its first instant (Monday 00:00 UTC).
        public var start: Date
        /// Papers added that week (not in the trash).
        public var added: Int
        /// Papers marked read that week.
        public var read: Int
        /// Papers added by the end of the week and not read by then (dropped papers
        /// left out): the pile waiting to be read.
        public var unread: Int
    }

    /// How long papers waited from added to read, in ranges.
    public struct Wait: Hashable, Sendable {
        /// The range, for a reader: "under a day", "1-7 days", ...
        public var label: String
        /// Papers read after a wait in that range.
        public var papers: Int
    }

    /// Papers in the list by status, now.
    public var byStatus: [ReadingStatus: Int]
    /// Notes and highlights, now (not in the trash).
    public var notes: Int, highlights: Int
    /// The weeks, oldest first.
    public var weeks: [Week]
    /// How long read papers waited, shortest range first (every read paper, not only the window's).
    public var waits: [Wait]
    /// The median wait from added to read, when any paper has been read.
    public var medianWait: TimeInterval?
    /// The most used tags with how many papers carry each, most first.
    public var topTags: [(tag: TagName, papers: Int)]

    /// The ranges of ``waits``, with their upper bounds in seconds.
    static let waitRanges: [(label: String, below: TimeInterval)] = [
        ("under a day", 86_400), ("1-7 days", 7 * 86_400), ("1-4 weeks", 28 * 86_400),
        ("1-3 months", 91 * 86_400), ("3-12 months", 365 * 86_400), ("over a year", .infinity),
    ]

    /// The Monday 00:00 UTC on or before `date`.
    public static func weekStart(of date: Date) -> Date {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // 1970-01-01 was a Thursday: Mondays are 4 days after an epoch multiple of 7 days.
        let week = 7 * 86_400.0, offset = 4 * 86_400.0
        return Date(timeIntervalSince1970: ((seconds - offset) / week).rounded(.down) * week + offset)
    }
}
