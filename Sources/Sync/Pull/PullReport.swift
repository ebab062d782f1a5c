/// What applying pulled pages did.
package struct PullReport: Hashable, Sendable {
    /// Field changes received.
    package var received = 0
    /// Records created, changed, purged.
    package var created = 0, updated = 0, purged = 0
    /// Text fields left as they are because a local edit of them is waiting to be sent.
    package var heldForRebase = 0
}
