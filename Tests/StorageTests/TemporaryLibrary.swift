import Foundation
import Model
@testable import Storage

/// A library in a new temporary folder, removed when the value is released.
final class TemporaryLibrary {
    let folder: URL
    let library: Library
    var path: String { library.path }

    init(wallClock: (@Sendable () -> UInt64)? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-tests-\(UUID().uuidString)")
        library = try Library(path: folder.appendingPathComponent("library.sqlite").path, wallClock: wallClock)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

/// A wall clock that tests move by hand, backwards too.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64
    init(_ start: UInt64) { value = start }
    func set(_ millis: UInt64) { lock.withLock { value = millis } }
    var now: @Sendable () -> UInt64 { { [self] in lock.withLock { value } } }
}

func draft(_ title: String, arxiv: String? = nil, abstract: String? = nil, authors: [String] = []) -> PaperDraft {
    var d = PaperDraft(title: title, authors: authors, abstract: abstract)
    d.arxiv = arxiv.flatMap(ArXivID.init)
    return d
}
