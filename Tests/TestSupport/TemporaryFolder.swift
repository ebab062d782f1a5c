import Foundation

/// A new folder under the system's temporary directory, removed with the value.
public final class TemporaryFolder: Sendable {
    /// The folder.
    public let url: URL
    /// Its path.
    public var path: String { url.path }

    /// Creates `reader-PREFIX-<uuid>`.
    public init(_ prefix: String = "tests") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
