/// Where a paper stands in the reading list.
///
/// New papers land in ``inbox``; ``queued`` means "I will read this",
/// ``reading`` is in progress, ``read`` is done, ``dropped`` means "not for me".
public enum ReadingStatus: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    case inbox, queued, reading, read, dropped

    /// The status named by `text`, case-insensitively.
    public init?(name text: String) {
        self.init(rawValue: text.lowercased())
    }

    /// The text form.
    public var description: String { rawValue }

    /// The order a reading list is shown in: what is in progress first, then what
    /// waits, what is new, what is done, and what was dropped (the queue page, the
    /// Markdown export).
    public static let readingOrder: [ReadingStatus] = [.reading, .queued, .inbox, .read, .dropped]

    /// All names, for messages: `inbox, queued, reading, read or dropped`.
    public static var namesForMessages: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }
}
