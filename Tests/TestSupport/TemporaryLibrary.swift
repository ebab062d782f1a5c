import Foundation
import Storage

/// A library in a new temporary folder, removed when the value is released: the
/// one helper every in-process test makes libraries with.
public final class TemporaryLibrary {
    /// The folder that holds the library (and anything a test puts beside it).
    public let folder: URL
    /// The library.
    public let library: Library
    /// The library file.
    public var path: String { library.path }
    private let temporary: TemporaryFolder

    /// Opens a new library; `wallClock` (Unix milliseconds) lets a test move time.
    public init(wallClock: (@Sendable () -> UInt64)? = nil) throws {
        temporary = TemporaryFolder("library")
        folder = temporary.url
        library = try Library(path: folder.appendingPathComponent("library.sqlite").path, wallClock: wallClock)
    }
}
