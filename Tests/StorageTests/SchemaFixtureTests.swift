import Foundation
import GRDB
import Interchange
import Model
import Testing
import TestSupport
@testable import Storage

/// Libraries written by every earlier schema version open in this one with every
/// field intact. The fixtures (`Tests/Fixtures/schema/vN.sqlite`, with the JSON
/// backup the same version wrote, `vN.json`) were made by the released code of
/// each version with `Tests/Fixtures/schema/make.sh`.
@Suite("Libraries of every earlier schema version")
struct SchemaFixtureTests {
    static let folder = repositoryRoot.appendingPathComponent("Tests/Fixtures/schema")

    /// Every earlier version, 1 up to the current one.
    static let earlierVersions = Array(1..<Schema.version)

    @Test func thereIsAFixtureForEveryEarlierSchemaVersion() throws {
        for version in Self.earlierVersions {
            let file = Self.folder.appendingPathComponent("v\(version).sqlite").path
            #expect(FileManager.default.fileExists(atPath: file), "no library of schema version \(version): make one with Tests/Fixtures/schema/make.sh")
            guard FileManager.default.fileExists(atPath: file) else { continue }
            // The fixture really is of that version: that many migrations were applied.
            let applied = try DatabaseQueue(path: file, configuration: { var c = Configuration(); c.readonly = true; return c }())
                .read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") ?? 0 }
            #expect(applied == version, "v\(version).sqlite has \(applied) migrations applied")
        }
    }

    @Test(arguments: earlierVersions)
    func everyFieldSurvivesTheMigration(version: Int) throws {
        let folder = TemporaryFolder("schema")
        let path = folder.path + "/library.sqlite"
        try FileManager.default.copyItem(atPath: Self.folder.appendingPathComponent("v\(version).sqlite").path, toPath: path)
        let library = try Library(path: path)

        // What the old version's own backup said every field was.
        let backup = try Data(contentsOf: Self.folder.appendingPathComponent("v\(version).json"))
        var before: [String: SyncRecord] = [:]
        for case .record(let record) in try ReaderBackup.read(backup, file: "v\(version).json") {
            before[record.entity.rawValue + "/" + record.id] = record
        }
        #expect(before.count >= 10, "the fixture holds papers, notes, a highlight, tags and memberships")

        var after: [String: SyncRecord] = [:]
        try library.forEachRecord { after[$0.entity.rawValue + "/" + $0.id] = $0 }
        for (key, old) in before {
            let new = try #require(after[key], "\(key) is gone after the migration from v\(version)")
            for (field, stamped) in old.fields {
                #expect(new.fields[field] == stamped, "\(key) \(field): \(String(describing: new.fields[field])) after, \(stamped) before")
            }
        }

        // The migrated library is whole: current schema, consistent index, searchable, writable.
        let current = try library.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
        #expect(current == Schema.version)
        #expect(try library.searchIndexIsConsistent())
        #expect(try library.search("optimisation").map(\.paper.title) == ["Deep Residual Learning for Image Recognition"])
        #expect(try library.search("tag:transformers").map(\.paper.title) == ["Attention Is All You Need"])
        let health = try library.checkHealth(repair: false)
        #expect(health.isHealthy, "\(health.databaseProblems)")
        let paper = try #require(try library.list(SearchQuery("Schrödinger")).first)
        try library.setStatus(.read, of: paper.paper.id)
        #expect(try library.list(SearchQuery("status:read")).count == 2)
    }
}
