import Model

extension Attachment.Kind {
    /// The media type a file of this kind is served with.
    var mediaType: String {
        switch self {
        case .pdf: "application/pdf"
        case .html: "text/html; charset=utf-8"
        case .other: "application/octet-stream"
        }
    }
}
