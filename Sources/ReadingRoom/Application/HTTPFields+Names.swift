import Hummingbird

/// The header names the room sets or reads that HTTPTypes does not name.
extension HTTPFields.Element.Name {
    /// Which site a browser says a request comes from (Fetch Metadata).
    static let secFetchSite = Self("Sec-Fetch-Site") ?? .origin
    /// `nosniff`: a file is only ever what its type says.
    static let xContentTypeOptions = Self("X-Content-Type-Options") ?? .contentType
    /// `no-referrer`: a link followed out of the room does not carry its address.
    static let referrerPolicy = Self("Referrer-Policy") ?? .contentType
    /// The time the room spent on a request (`app;dur=12.34`).
    static let serverTiming = Self("Server-Timing") ?? .contentType
}
