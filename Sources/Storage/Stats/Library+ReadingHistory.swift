import Foundation
import GRDB
import Model

extension Library {
    /// The library's reading over the last `weeks` weeks up to `now`, for charts.
    ///
    /// Aggregated in SQL (a few grouped scans), so that it stays fast at 100,000 papers.
    public func readingHistory(weeks weekCount: Int = 52, now: Date = Date(), topTags: Int = 10) throws -> ReadingHistory {
        let weekCount = max(1, weekCount)
        let weekMillis: Int64 = 7 * 86_400_000
        let origin = Int64((ReadingHistory.weekStart(of: now).timeIntervalSince1970 * 1000).rounded()) - Int64(weekCount - 1) * weekMillis
        return try read { db in
            func perWeek(_ column: String, _ extra: String = "") throws -> [Int: Int] {
                var counts: [Int: Int] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT (\(column) - ?) / ? AS w, count(*) AS n FROM paper
                    WHERE coalesce(trashed, 0) = 0 AND \(column) >= ? \(extra) GROUP BY w
                    """, arguments: [origin, weekMillis, origin]) {
                    counts[row["w"] as Int] = row["n"] as Int
                }
                return counts
            }
            let notDropped = "AND coalesce(status, 'inbox') <> 'dropped'"
            let added = try perWeek("added_at"), read = try perWeek("read_at")
            let addedInPile = try perWeek("added_at", notDropped), readFromPile = try perWeek("read_at", notDropped)
            // The pile at the window's start: added before it, less those also read
            // before it (two counts over indexes, not a read of every row).
            let addedBefore = try Int.fetchOne(db, sql: "SELECT count(*) FROM paper WHERE coalesce(trashed, 0) = 0 \(notDropped) AND added_at < ?",
                                               arguments: [origin]) ?? 0
            let readBefore = try Int.fetchOne(db, sql: "SELECT count(*) FROM paper WHERE coalesce(trashed, 0) = 0 \(notDropped) AND read_at < ?1 AND added_at < ?1",
                                              arguments: [origin]) ?? 0
            var unread = addedBefore - readBefore
            var weeks: [ReadingHistory.Week] = []
            weeks.reserveCapacity(weekCount)
            for week in 0..<weekCount {
                unread += (addedInPile[week] ?? 0) - (readFromPile[week] ?? 0)
                weeks.append(.init(start: Date(timeIntervalSince1970: Double(origin + Int64(week) * weekMillis) / 1000),
                                   added: added[week] ?? 0, read: read[week] ?? 0, unread: max(0, unread)))
            }
            let waited = try Int64.fetchAll(db, sql: """
                SELECT max(0, read_at - added_at) AS waited FROM paper
                WHERE coalesce(trashed, 0) = 0 AND read_at IS NOT NULL AND added_at IS NOT NULL ORDER BY waited
                """)
            var waits = ReadingHistory.waitRanges.map { ReadingHistory.Wait(label: $0.label, papers: 0) }
            for millis in waited {
                let seconds = Double(millis) / 1000
                if let index = ReadingHistory.waitRanges.firstIndex(where: { seconds < $0.below }) { waits[index].papers += 1 }
            }
            let median = waited.isEmpty ? nil : Double(waited[waited.count / 2]) / 1000
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return ReadingHistory(byStatus: try Library.countsByStatus(db),
                                  notes: try count("SELECT count(*) FROM note WHERE coalesce(trashed, 0) = 0"),
                                  highlights: try count("SELECT count(*) FROM highlight WHERE coalesce(trashed, 0) = 0"),
                                  weeks: weeks, waits: waits, medianWait: median, topTags: Array(try Library.tagCounts(db).prefix(max(0, topTags))))
        }
    }
}
