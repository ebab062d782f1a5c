/// One thing a backup holds, as read back: a record of a known kind, a field (or
/// record) of a kind this version does not know, or an earlier text of a note or
/// highlight.
///
/// A backup holds everything a library keeps, so restoring it into an empty
/// library gives the same canonical dump and the same text histories.
public enum BackupItem: Hashable, Sendable {
    /// A record of a known entity: its known fields and, when it was purged, `purged`.
    case record(SyncRecord)
    /// A field of a kind this version does not know (of a known or unknown entity),
    /// kept from a newer client and forwarded as it is.
    case foreignField(entity: String, id: String, field: String, Stamped)
    /// A text a note body or highlight comment held before it was replaced.
    case history(TextHistoryEntry)
}

/// A text a note body or highlight comment held before it was replaced: local
/// history, never synced, kept so that no typed line is ever lost.
public struct TextHistoryEntry: Hashable, Sendable {
    /// The record's entity (`note`, `highlight`).
    public var entity: String
    /// The record's id.
    public var id: String
    /// The field (`body`, `comment`).
    public var field: String
    /// The text it held (nil for no text).
    public var text: String?
    /// The clock that had set that text, when known.
    public var hlc: HLC?
    /// When it was replaced, in Unix milliseconds.
    public var replacedAtMillis: Int64
    /// Why: `edited`, `replaced by sync`, `conflict`, `purged`.
    public var reason: String

    /// Creates a value from its fields.
    public init(entity: String, id: String, field: String, text: String?, hlc: HLC?, replacedAtMillis: Int64, reason: String) {
        self.entity = entity; self.id = id; self.field = field; self.text = text
        self.hlc = hlc; self.replacedAtMillis = replacedAtMillis; self.reason = reason
    }
}
