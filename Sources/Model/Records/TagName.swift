import Foundation

/// A tag's normalized name: NFC, case-folded, white space turned into `-`.
///
/// Tags are case-insensitive, so `ML`, `ml` and ` ml ` are one tag.
///
/// ```swift
/// try TagName("Deep Learning").value  // "deep-learning"
/// ```
public struct TagName: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The longest accepted name, in characters.
    public static let maxLength = 64

    /// The normalized text.
    public let value: String

    /// Normalizes `text`; throws when nothing usable is left.
    public init(_ text: String) throws(TagNameError) {
        let trimmed = TextNormalization.storedText(text).trimmingWhitespace()
        let folded = trimmed.lowercased()
            .split(whereSeparator: \.isWhitespace).joined(separator: "-")
        guard folded.contains(where: { $0.isLetter || $0.isNumber }) else {
            throw TagNameError(text: text, reason: "a tag needs at least one letter or digit")
        }
        guard folded.count <= TagName.maxLength else {
            throw TagNameError(text: text, reason: "a tag has at most \(TagName.maxLength) characters")
        }
        guard !folded.hasPrefix("-"), !folded.hasPrefix("+") else {
            throw TagNameError(text: text, reason: "a tag cannot start with '+' or '-'")
        }
        self.value = folded
    }

    /// The text form.
    public var description: String { value }
    /// Alphabetical order.
    public static func < (lhs: TagName, rhs: TagName) -> Bool { lhs.value < rhs.value }
}

/// A tag name that cannot be used, and why.
public struct TagNameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text as given.
    public let text: String
    /// What is wrong, in words for a terminal.
    public let reason: String
    /// The text form.
    public var description: String { "invalid tag '\(text)': \(reason)" }
}
