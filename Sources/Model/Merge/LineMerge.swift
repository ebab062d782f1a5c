/// Three-way merge of texts by lines: how two edits of one note made from the
/// same base come together without losing a line.
///
/// Lines that both sides kept stay; a region only one side changed takes that
/// side's lines; a region both sides changed the same way takes them once; a region
/// both changed differently is a conflict, and the caller keeps both texts (the
/// note takes one, a conflict copy the other), so no typed line is ever dropped.
///
/// ```swift
/// LineMerge.merge(base: "a\nb\nc", local: "a\nB\nc", remote: "a\nb\nc\nd")
/// // .merged("a\nB\nc\nd")
/// ```
public enum LineMerge {
    /// What a merge gives.
    public enum Outcome: Hashable, Sendable {
        /// Both edits fit together: the merged text.
        case merged(String)
        /// The edits overlap: keep both texts.
        case conflict
    }

    /// The longest texts, in lines, merged line by line; longer ones are a
    /// conflict (both kept), which bounds the merge's memory.
    static let maxLines = 4_000

    /// Merges `local` and `remote`, both edited from `base`.
    public static func merge(base: String, local: String, remote: String) -> Outcome {
        if local == remote { return .merged(local) }
        if local == base { return .merged(remote) }
        if remote == base { return .merged(local) }
        let b = lines(base), l = lines(local), r = lines(remote)
        guard b.count <= maxLines, l.count <= maxLines, r.count <= maxLines else { return .conflict }
        let toLocal = matches(b, l), toRemote = matches(b, r)
        var out: [Substring] = []
        var (bi, li, ri) = (0, 0, 0)
        while true {
            // The next base line that both sides kept, at or after the current position.
            var stable = bi
            while stable < b.count, !(toLocal[stable] >= li && toRemote[stable] >= ri) { stable += 1 }
            let (lEnd, rEnd) = stable < b.count ? (toLocal[stable], toRemote[stable]) : (l.count, r.count)
            let baseChunk = b[bi..<stable], localChunk = l[li..<lEnd], remoteChunk = r[ri..<rEnd]
            if localChunk.elementsEqual(remoteChunk) {
                out += localChunk
            } else if localChunk.elementsEqual(baseChunk) {
                out += remoteChunk
            } else if remoteChunk.elementsEqual(baseChunk) {
                out += localChunk
            } else {
                return .conflict
            }
            guard stable < b.count else { break }
            out.append(b[stable])
            (bi, li, ri) = (stable + 1, lEnd + 1, rEnd + 1)
        }
        return .merged(out.joined(separator: "\n"))
    }

    static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// For each line of `base`, the index of the line of `other` it is matched to
    /// by a longest common subsequence, or -1.
    static func matches(_ base: [Substring], _ other: [Substring]) -> [Int] {
        let n = base.count, m = other.count
        // lengths[i][j]: LCS of base[i...] and other[j...], in one flat array.
        var lengths = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        if n > 0, m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lengths[i * (m + 1) + j] = base[i] == other[j]
                        ? lengths[(i + 1) * (m + 1) + j + 1] + 1
                        : max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1])
                }
            }
        }
        var result = [Int](repeating: -1, count: n)
        var (i, j) = (0, 0)
        while i < n, j < m {
            if base[i] == other[j] {
                result[i] = j
                i += 1; j += 1
            } else if lengths[(i + 1) * (m + 1) + j] >= lengths[i * (m + 1) + j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        return result
    }
}
