/// Finds links to source code (GitHub, GitLab, ...) in free text such as an abstract.
///
/// ```swift
/// CodeLinks.first(in: "Code is at https://github.com/a/b.git.")  // "https://github.com/a/b"
/// ```
public enum CodeLinks {
    /// Hosts whose links are code repositories.
    static let hosts = ["github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "git.sr.ht", "sourceforge.net"]

    /// The first code link in `text`, cleaned of trailing punctuation and `.git`.
    public static func first(in text: String) -> String? {
        all(in: text).first
    }

    /// Every code link in `text`, in order.
    public static func all(in text: String) -> [String] {
        var links: [String] = []
        var rest = Substring(text)
        while let start = http(in: rest) {
            let tail = rest[start...]
            let end = tail.firstIndex { $0.isWhitespace || "<>\"'{}()[]|\\^`,;".contains($0) } ?? tail.endIndex
            var link = tail[..<end]
            rest = tail[end...]
            while let last = link.last, ".:!?*".contains(last) { link = link.dropLast() }
            if link.lowercased().hasSuffix(".git") { link = link.dropLast(4) }
            guard let scheme = link.range(of: "://") else { continue }
            let afterScheme = link[scheme.upperBound...]
            var host = afterScheme.prefix { $0 != "/" }.lowercased()
            if host.hasPrefix("www.") { host.removeFirst(4) }
            let path = afterScheme.drop { $0 != "/" }
            guard hosts.contains(host), path.split(separator: "/").count >= 1 else { continue }
            links.append(String(link))
        }
        return links
    }

    /// Where `http` first starts in `text`, found in its UTF-8 bytes: most abstracts
    /// have no link, and Foundation's `range(of:)` took a tenth of a listing's read.
    static func http(in text: Substring) -> String.Index? {
        let utf8 = text.utf8
        var at = utf8.startIndex
        while let h = utf8[at...].firstIndex(of: UInt8(ascii: "h")) {
            if utf8[h...].starts(with: "http".utf8) { return h }
            at = utf8.index(after: h)
        }
        return nil
    }
}
