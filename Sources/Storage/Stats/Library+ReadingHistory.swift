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
            // One grouped scan of each partial index of papers in the list (v11), never
            // a paper's row: added dates from the index by status, read dates from the
            // index of read papers. Week -1 gathers everything before the window.
            struct Counts { var all = 0, pile = 0, addedBefore = 0 }
            func perWeek(_ column: String, index: String) throws -> [Int: Counts] {
                var counts: [Int: Counts] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT CASE WHEN \(column) < ?1 THEN -1 ELSE (\(column) - ?1) / ?2 END AS w, count(*) AS n,
                           sum(coalesce(status, 'inbox') <> 'dropped') AS pile,
                           sum(coalesce(status, 'inbox') <> 'dropped' AND added_at < ?1) AS before
                    FROM paper INDEXED BY \(index) WHERE coalesce(trashed, 0) = 0 AND \(column) IS NOT NULL GROUP BY w
                    """, arguments: [origin, weekMillis]) {
                    counts[row["w"] as Int] = Counts(all: row["n"], pile: row["pile"], addedBefore: row["before"])
                }
                return counts
            }
            let added = try perWeek("added_at", index: "paper_live_by_status")
            let read = try perWeek("read_at", index: "paper_live_by_read")
            // The pile at the window's start: added before it, less those also read before it.
            var unread = (added[-1]?.pile ?? 0) - (read[-1]?.addedBefore ?? 0)
            var weeks: [ReadingHistory.Week] = []
            weeks.reserveCapacity(weekCount)
            for week in 0..<weekCount {
                unread += (added[week]?.pile ?? 0) - (read[week]?.pile ?? 0)
                weeks.append(.init(start: Date(timeIntervalSince1970: Double(origin + Int64(week) * weekMillis) / 1000),
                                   added: added[week]?.all ?? 0, read: read[week]?.all ?? 0, unread: max(0, unread)))
            }
            let waited = try Int64.fetchAll(db, sql: """
                SELECT max(0, read_at - added_at) AS waited FROM paper INDEXED BY paper_live_by_read
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
