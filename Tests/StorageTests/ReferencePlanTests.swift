import Foundation
import GRDB
import Testing
@testable import Storage
import TestSupport

@Suite("Resolving a reference reads few rows")
struct ReferencePlanTests {
    /// A reference that is no paper's key is looked up among merged keys through the
    /// partial index of the few papers that have any, not by walking every paper in
    /// the order they were added (which made `show ID` read a 100,000-paper library whole).
    @Test func aMergedKeyIsLookedUpThroughItsPartialIndex() throws {
        let temporary = try TemporaryLibrary()
        let plan = try DatabaseQueue(path: temporary.path).read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT p.id FROM paper p WHERE \(Library.aliasCondition) ORDER BY +p.added_at, p.rowid LIMIT 102",
                             arguments: ["key"]).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("paper_with_cite_aliases") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN p") }, "\(plan)")
    }
}
