/// Where a paper reference is looked up: the reading list, the trash, or both.
public enum PaperPlace: Sendable {
    /// Papers not in the trash.
    case list
    /// Papers in the trash.
    case trash
    /// Every paper.
    case anywhere

    /// Whether the papers looked at are trashed (nil: both).
    var trashed: Bool? {
        switch self {
        case .list: false
        case .trash: true
        case .anywhere: nil
        }
    }
}
