import Foundation

/// The repository's folder, for the fixtures and examples tests read.
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
