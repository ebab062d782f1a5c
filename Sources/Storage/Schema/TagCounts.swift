import GRDB
import Model

/// How many papers in the list carry each tag, kept by the write path in the same
/// transaction as every change to a membership or a paper, so that `reader tags`,
/// the reading room's tags and its top tags read 24 rows instead of joining every
/// membership to its paper (0.14 to 0.55 s at 100,000 papers with 145,000 memberships).
///
/// A membership counts when it is present and its paper exists and is not in the
/// trash. The write path (`ChangeWriter`) notes which tags a transaction may have
/// changed (a membership written, a paper added, trashed, restored or purged, in
/// either order of arrival) and counts those again at its end; past a few thousand
/// such rows (an import, a first pull) it counts every tag once. Not SQLite triggers:
/// they cost an import of 100,000 papers 2 to 6 s more. `reader doctor` compares the
/// table with the count from the memberships, and `--repair` recounts.
enum TagCounts {
    /// The count from the memberships themselves: what the table must hold.
    static let recount = """
        SELECT pt.tag_id, count(*) AS papers FROM paper_tag pt
        CROSS JOIN paper p INDEXED BY paper_live ON p.id = pt.paper_id AND coalesce(p.trashed, 0) = 0
        WHERE pt.present = 1 GROUP BY pt.tag_id
        """

    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE tag_count (tag_id TEXT PRIMARY KEY NOT NULL, papers INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO tag_count (tag_id, papers) \(recount);
            """)
    }

    /// Counts these tags again from their memberships.
    static func recount(_ db: Database, tags: Set<String>) throws {
        guard !tags.isEmpty else { return }
        let list = JSONValue.array(tags.sorted().map(JSONValue.string)).canonicalJSON
        try db.cachedStatement(sql: "DELETE FROM tag_count WHERE tag_id IN (SELECT value FROM json_each(?))").execute(arguments: [list])
        try db.cachedStatement(sql: """
            INSERT INTO tag_count (tag_id, papers)
            SELECT pt.tag_id, count(*) FROM paper_tag pt INDEXED BY paper_tag_by_tag
            CROSS JOIN paper p INDEXED BY paper_live ON p.id = pt.paper_id AND coalesce(p.trashed, 0) = 0
            WHERE pt.tag_id IN (SELECT value FROM json_each(?)) AND pt.present = 1 GROUP BY pt.tag_id
            """).execute(arguments: [list])
    }

    /// Whether the table holds what the memberships say.
    static func isConsistent(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT NOT EXISTS (SELECT tag_id, papers FROM tag_count WHERE papers <> 0 EXCEPT SELECT tag_id, papers FROM (\(recount)))
               AND NOT EXISTS (SELECT tag_id, papers FROM (\(recount)) EXCEPT SELECT tag_id, papers FROM tag_count)
            """) ?? false
    }

    /// Counts again from the memberships.
    static func rebuild(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM tag_count; INSERT INTO tag_count (tag_id, papers) \(recount);")
    }
}
