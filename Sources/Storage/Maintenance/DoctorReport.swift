/// What `reader doctor` found.
public struct DoctorReport: Hashable, Sendable {
    /// `PRAGMA integrity_check` said "ok".
    public var databaseOK: Bool
    /// The messages of `PRAGMA integrity_check` when it did not.
    public var databaseProblems: [String]
    /// The full-text index agrees with the papers, tags, notes and highlights.
    public var searchIndexOK: Bool
    /// The index was rebuilt in this run.
    public var searchIndexRepaired: Bool
    /// Records whose `clocks` are missing or unreadable.
    public var recordsWithoutClocks: Int
    /// Fields stamped before 2000-01-01, which no server accepts.
    public var fieldsWithBadClocks: Int = 0
    /// Whether those were stamped again in this run.
    public var badClocksRepaired = false
    /// Changes set aside from sync (after any repair).
    public var changesSetAside: Int = 0
    /// The papers per tag kept by triggers agree with the memberships.
    public var tagCountsOK = true
    /// They were counted again in this run.
    public var tagCountsRepaired = false
    /// Nothing needs the user's attention.
    public var isHealthy: Bool {
        databaseOK && (searchIndexOK || searchIndexRepaired) && recordsWithoutClocks == 0
            && (fieldsWithBadClocks == 0 || badClocksRepaired) && changesSetAside == 0 && (tagCountsOK || tagCountsRepaired)
    }
}
