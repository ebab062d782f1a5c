import Foundation
import Testing

extension Tag {
    /// Suites that take minutes (the simulation, crash points, merge laws over sync,
    /// chaos, schemathesis, the consumers of the exports): CI runs them; the inner
    /// loop skips them with `READER_SKIP_SLOW=1 swift test`.
    @Tag public static var slow: Tag
}

/// Whether the slow suites run: always, unless `READER_SKIP_SLOW=1`.
public enum SlowTests {
    /// False when `READER_SKIP_SLOW` is `1`.
    public static var enabled: Bool { ProcessInfo.processInfo.environment["READER_SKIP_SLOW"] != "1" }
    /// Why a slow suite was skipped, as Swift Testing prints it.
    public static let skipped: Comment = "slow: skipped because READER_SKIP_SLOW=1 (CI runs it)"
}
