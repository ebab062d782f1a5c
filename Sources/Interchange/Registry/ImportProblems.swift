/// Where a format's reader hands what it does not store as given: records it
/// leaves out (`skipping`), and records it keeps despite a problem that bibtex and
/// biber only warn about (`warning`: a BibTeX entry without a title, an undefined
/// `@string`).
///
/// Without `skipping`, a bad record stops the read; without `warning` (`reader
/// import --strict`), a problem worth a warning is a bad record too.
public struct ImportProblems {
    /// Takes each record left out; nil: the first one stops the read.
    public var skipping: ((ImportError) -> Void)?
    /// Takes each warning about a record kept; nil: such records are bad records.
    public var warning: ((ImportError) -> Void)?

    /// Creates a value from its fields.
    public init(skipping: ((ImportError) -> Void)? = nil, warning: ((ImportError) -> Void)? = nil) {
        self.skipping = skipping
        self.warning = warning
    }

    /// Reports a problem with a record that can be kept: a warning when warnings are
    /// taken, else a bad record (thrown, or skipped). Returns whether to keep it.
    func keep(despite problem: ImportError) throws(ImportError) -> Bool {
        if let warning { warning(problem); return true }
        guard let skipping else { throw problem }
        skipping(problem)
        return false
    }
}
