import Foundation
import GRDB
import Model

extension Library {
    /// The default size budget of the file store: 2 GiB.
    public static let defaultOfflineBudget: Int64 = 2 * 1_073_741_824

    /// Which papers' files this machine keeps (local, never synced; default
    /// ``OfflinePolicy/standard``).
    public func offlinePolicy() throws -> OfflinePolicy {
        let text = try read { db in try Schema.meta(db, "offline_policy") }
        guard let text else { return .standard }
        return (try? OfflinePolicy(parsing: text)) ?? .standard
    }

    /// Sets which papers' files this machine keeps.
    public func setOfflinePolicy(_ policy: OfflinePolicy) throws {
        try dbQueue.write { db in try Schema.setMeta(db, "offline_policy", policy.description) }
    }

    /// The most the file store should hold, in bytes (local; default 2 GiB).
    public func offlineBudget() throws -> Int64 {
        try read { db in try Schema.meta(db, "offline_budget").flatMap { Int64($0) } } ?? Library.defaultOfflineBudget
    }

    /// Sets the most the file store should hold.
    public func setOfflineBudget(_ bytes: Int64) throws {
        guard bytes >= 0 else { throw StorageError.invalidValue(field: "budget", reason: "\(bytes) bytes is negative") }
        try dbQueue.write { db in try Schema.setMeta(db, "offline_budget", String(bytes)) }
    }

    /// The papers whose files this machine keeps: those the policy wants and the
    /// pinned ones, oldest first.
    public func papersKeptOffline() throws -> [Paper] {
        var papers: [Paper] = []
        var seen = Set<UUID>()
        if let query = try offlinePolicy().query {
            for listed in try list(query, sort: .added) where seen.insert(listed.paper.id).inserted { papers.append(listed.paper) }
        }
        for id in try pinnedPapers().sorted(by: { $0.lowercased < $1.lowercased }) {
            if seen.insert(id).inserted, let paper = try paper(id), !paper.isTrashed { papers.append(paper) }
        }
        return papers
    }
}
