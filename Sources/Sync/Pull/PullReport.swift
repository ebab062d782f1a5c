/// What applying pulled pages did.
public struct PullReport: Hashable, Sendable {
    /// Field changes received.
    public var received = 0
    /// Records created, changed, purged.
    public var created = 0, updated = 0, purged = 0
    /// Text fields left as they are because a local edit of them is waiting to be sent.
    public var heldForRebase = 0
}
