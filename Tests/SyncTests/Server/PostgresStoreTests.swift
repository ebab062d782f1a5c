import Foundation
import Testing
import Model
import SyncServer
import SyncWire

/// The PostgreSQL store's own checks (its protocol behaviour is the conformance
/// suite's, run against every ``StoreKind``).
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test func thePostgreSQLTestsRunInCI() {
        if !ThrowawayPostgres.isAvailable {
            #expect(!ThrowawayPostgres.isRequired, "the PostgreSQL store's tests must run in CI: \(ThrowawayPostgres.server)")
        }
    }
}
