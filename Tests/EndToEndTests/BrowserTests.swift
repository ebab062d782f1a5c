import Foundation
import Testing
import TestSupport

/// The reading room in a real browser: Debian's headless Chromium through Selenium
/// (Tests/Browser/reading_room.py) opens the queue with no network, moves with the
/// keys, changes statuses by clicking and by `s`, searches, adds a note and a tag,
/// checks each change with `reader show --json`, checks that HTML in a title or a
/// note stays text, and stops `reader serve` with Ctrl-C.
@Suite("The reading room in a browser", .tags(.slow), .enabled(if: SlowTests.enabled, SlowTests.skipped))
struct BrowserTests {
    static var installed: Bool {
        ["/usr/bin/chromium", "/usr/bin/chromedriver"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func theRoomWorksInChromiumWithNoNetwork() async throws {
        guard Self.installed else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
            return
        }
        var arguments = ["Tests/Browser/reading_room.py", "--reader", ReaderProcess.binary.path]
        // READER_SCREENSHOTS=docs/screenshots refreshes the README's pictures.
        if let folder = ProcessInfo.processInfo.environment["READER_SCREENSHOTS"], !folder.isEmpty { arguments += ["--screenshots", folder] }
        guard let (status, output) = try await runPythonScriptOffThePool(arguments) else { return }
        #expect(status == 0, "\(output)")
        #expect(output.contains("all browser checks passed"))
    }
}
