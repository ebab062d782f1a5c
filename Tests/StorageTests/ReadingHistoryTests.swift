import Foundation
import Model
@testable import Storage
import Testing

/// The weekly figures the reading room's stats page draws.
@Suite struct ReadingHistoryTests {
    @Test func weeksCountAddedReadAndTheUnreadPileAndWaitsAreBinned() throws {
        let week: Int64 = 7 * 86_400_000
        // A Thursday noon, three weeks after the first paper.
        let now = Int64(ReadingHistory.weekStart(of: Date(timeIntervalSince1970: 1_790_000_000)).timeIntervalSince1970 * 1000) + 3 * 86_400_000 + 43_200_000
        let clock = ManualClock(now - 3 * week)
        let temporary = try TemporaryLibrary(wallClock: clock.now)
        let library = temporary.library
        let a = try library.add(draft("Paper A")).paperID, b = try library.add(draft("Paper B")).paperID
        let c = try library.add(draft("Paper C")).paperID, trashed = try library.add(draft("Paper E")).paperID
        try library.trash([trashed])
        clock.advance(week)
        _ = try library.add(draft("Paper D"))
        try library.setStatus(.read, of: a)
        clock.advance(week)
        try library.setStatus(.read, of: b)
        try library.setStatus(.dropped, of: c)
        let history = try library.readingHistory(weeks: 4, now: Date(timeIntervalSince1970: Double(now) / 1000))
        #expect(history.weeks.map(\.added) == [3, 1, 0, 0], "the trashed paper is not counted")
        #expect(history.weeks.map(\.read) == [0, 1, 1, 0])
        #expect(history.weeks.map(\.unread) == [2, 2, 1, 1], "the dropped paper is never in the pile")
        #expect(history.weeks.first?.start == ReadingHistory.weekStart(of: Date(timeIntervalSince1970: Double(now - 3 * week) / 1000)))
        #expect(history.waits.map(\.papers) == [0, 0, 2, 0, 0, 0], "a week and two weeks are both 1-4 weeks")
        #expect(history.medianWait == Double(2 * week) / 1000)
    }

    @Test func weeksStartOnMondayInUTC() {
        // 2026-12-04 is a Friday; its week started on Monday 2026-11-30.
        let friday = Date(timeIntervalSince1970: 1_796_400_000 + 3600)
        #expect(StorageError.day(ReadingHistory.weekStart(of: friday)) == "2026-11-30")
        let monday = ReadingHistory.weekStart(of: friday)
        #expect(ReadingHistory.weekStart(of: monday) == monday)
        #expect(ReadingHistory.weekStart(of: monday.addingTimeInterval(-1)) == monday.addingTimeInterval(-7 * 86_400))
    }
}
