import Foundation
@_exported import TestSupport

/// The repository's root, found from this file's path.

/// A file of the repository as text.
func repositoryText(_ path: String) throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
}
