import Foundation
import Model
import Storage

/// A library's papers' files: taking files in (attached or fetched), reading
/// their text into the page index, and deciding what the budget evicts. The
/// commands `attach`, `fetch`, `add FILE.pdf`, `offline`, `doctor` and `purge`
/// all go through it, so that a file enters the store one way.
public struct PaperFiles: Sendable {
    /// The library.
    public let library: Library

    /// The files of `library`.
    public init(library: Library) { self.library = library }

    /// The file store.
    public var store: FileStore { library.files }

    /// What became of a file's text.
    public enum TextOutcome: Hashable, Sendable {
        /// Read and indexed: this many pages.
        case indexed(pages: Int)
        /// Indexed before (the same bytes were already here).
        case alreadyIndexed
        /// Not a PDF: nothing to read.
        case notPDF
        /// The program could not read it (the reason is recorded).
        case failed(String)
        /// No program to read PDFs is installed.
        case noTool(String)
    }

    /// Adds a file the user has to a paper: copied into the store (hashed as it is
    /// copied), recorded as an attachment, its text indexed.
    public func attach(copying source: URL, to paperID: UUID, maxSize: Int64) throws -> (Attachment, FileStore.StoredFile, TextOutcome) {
        let stored = try store.store(copying: source, maxSize: maxSize)
        let attachment = try library.attach(stored, to: paperID, name: source.lastPathComponent, sourceURL: nil, origin: .attached)
        return (attachment, stored, indexText(of: stored.hash, kind: stored.kind))
    }

    /// Reads a stored file's text into the page index, unless it is there already.
    public func indexText(of hash: FileHash, kind: Attachment.Kind, again: Bool = false) -> TextOutcome {
        guard kind == .pdf else { return .notPDF }
        if !again, let state = try? library.textState(of: hash), state.problem == nil { return .alreadyIndexed }
        do {
            let text = try PDFText.extract(from: store.path(of: hash))
            try library.storeText(of: hash, pages: text.pages, tool: text.tool)
            return .indexed(pages: text.pages.count)
        } catch let failure as PDFText.Failure {
            if failure.noTool { return .noTool(failure.reason) }
            try? library.noteTextProblem(of: hash, problem: failure.reason)
            return .failed(failure.reason)
        } catch {
            return .failed("\(error)")
        }
    }

    /// The paper's file on this machine, its PDF first; nil when none is here.
    /// `here` is ``Storage/Library/localFiles()``, read once by callers that ask for many papers.
    public func fileHere(of paperID: UUID, here: [FileHash: LocalFile]? = nil) throws -> Attachment? {
        let attachments = try library.attachments(of: paperID)
        let local = try here ?? library.localFiles(attachments.map(\.sha256))
        let present = attachments.filter { local[$0.sha256] != nil && store.contains($0.sha256) }
        return present.first { $0.kind == .pdf } ?? present.first
    }

    /// The papers the offline policy keeps, and those of them whose PDF is not here.
    public func keptAndMissing() throws -> (kept: [Paper], missing: [Paper]) {
        let here = try library.localFiles()
        let kept = try library.papersKeptOffline()
        let missing = try kept.filter { try fileHere(of: $0.id, here: here)?.kind != .pdf }
        return (kept, missing)
    }

    /// The arXiv id and DOI a PDF's first pages name (an arXiv PDF carries its id in
    /// the margin of page 1: `arXiv:1706.03762v7 [cs.CL]`).
    public static func identifiers(in pages: [String]) -> (arxiv: ArXivID?, doi: DOI?) {
        let text = pages.prefix(2).joined(separator: "\n")
        var arxiv: ArXivID?
        if let match = text.range(of: #"arXiv:\s?([0-9]{4}\.[0-9]{4,5}(v[0-9]+)?|[a-z\-]+(\.[A-Z]{2})?/[0-9]{7}(v[0-9]+)?)"#, options: [.regularExpression, .caseInsensitive]) {
            let candidate = text[match].dropFirst("arXiv:".count).trimmingCharacters(in: .whitespaces)
            if case .arxiv(let id) = PaperIdentifier(candidate) { arxiv = id }
        }
        var doi: DOI?
        if let match = text.range(of: #"10\.[0-9]{4,9}/[^\s"<>]+"#, options: .regularExpression) {
            let candidate = String(text[match]).trimmingCharacters(in: CharacterSet(charactersIn: ".,;:)]}"))
            if case .doi(let found) = PaperIdentifier(candidate) { doi = found }
        }
        return (arxiv, doi)
    }

    /// What the budget would remove: the least recently opened files (never opened:
    /// least recently stored) that no kept paper needs, until the store fits the
    /// budget. Never a pinned paper's file, never a file the policy wants. A library
    /// that syncs never loses a file its server does not hold yet, and may evict any
    /// other (attached ones too: the server gives them back); one that does not never
    /// evicts an attached file (perhaps the only copy anywhere).
    public func evictionPlan() throws -> EvictionPlan {
        let budget = try library.offlineBudget()
        let sync = try library.syncState()
        let canComeBack: (LocalFile) -> Bool = if sync.remote != nil {
            { file in sync.epoch != nil && file.serverEpoch == sync.epoch }
        } else {
            { file in file.origin == .fetched }
        }
        let local = try library.localFiles()
        var total = local.values.reduce(Int64(0)) { $0 + $1.size }
        var plan = EvictionPlan(budget: budget, sizeBefore: total, files: [], sizeAfter: total)
        // Within the budget (the common case) nothing more needs to be known.
        guard total > budget else { return plan }
        let attachments = try library.allAttachments()
        let kept = Set(try library.papersKeptOffline().map(\.id))
        var needed = Set<FileHash>()
        for attachment in attachments where kept.contains(attachment.paperID) { needed.insert(attachment.sha256) }
        let candidates = local.values
            .filter { canComeBack($0) && !needed.contains($0.hash) }
            .sorted { ($0.openedAt ?? $0.storedAt, $0.hash) < ($1.openedAt ?? $1.storedAt, $1.hash) }
        for file in candidates where total > budget {
            plan.files.append(file)
            total -= file.size
        }
        plan.sizeAfter = total
        return plan
    }

    /// Removes the files of a plan from the store and forgets them; their text stays.
    public func evict(_ plan: EvictionPlan) throws {
        for file in plan.files { store.remove(file.hash) }
        try library.forgetFiles(plan.files.map(\.hash))
    }
}

/// The files a budget removes, and the store's size before and after.
public struct EvictionPlan: Hashable, Sendable {
    /// The budget.
    public var budget: Int64
    /// Bytes stored now.
    public var sizeBefore: Int64
    /// The files to remove, least recently opened first.
    public var files: [LocalFile]
    /// Bytes stored after.
    public var sizeAfter: Int64 = 0
}

extension PaperFiles {
    /// What `reader doctor` found in the file store.
    public struct Check: Hashable, Sendable {
        /// Files whose hash was read again.
        public var checked = 0
        /// Files whose bytes no longer have their hash (removed with repair: to be fetched again).
        public var damaged: [FileHash] = []
        /// Files this machine counts as here that are gone from the store (forgotten with repair).
        public var missing: [FileHash] = []
        /// Stored files no attachment names (`reader purge --files` removes them).
        public var unreferenced: [FileHash] = []
        /// Files in the store this machine did not count (a kill between storing and
        /// recording); counted with repair.
        public var uncounted: [FileHash] = []
        /// Files under names that are not hashes, and temporary files of dead processes.
        public var strays = 0
        /// Stored PDFs whose text is not indexed (read with repair).
        public var unindexed: [FileHash] = []
        /// Whether the page index agrees with its pages.
        public var pageIndexOK = true
        /// Whether repair ran.
        public var repaired = false

        /// Whether nothing needs doing (unreferenced files are no harm).
        public var isHealthy: Bool {
            repaired || (damaged.isEmpty && missing.isEmpty && uncounted.isEmpty && strays == 0 && unindexed.isEmpty && pageIndexOK)
        }
    }

    /// Verifies every stored file's hash, matches the store with the records and this
    /// machine's bookkeeping, and checks the page index; `repair` removes damaged
    /// files and strays, fixes the bookkeeping, reads missing texts and rebuilds the index.
    public func check(repair: Bool) throws -> Check {
        var check = Check()
        let inventory = store.inventory()
        let local = try library.localFiles()
        let attachments = try library.allAttachments()
        let named = Set(attachments.map(\.sha256))
        let kinds = Dictionary(attachments.map { ($0.sha256, $0.kind) }, uniquingKeysWith: { first, _ in first })
        for hash in inventory.files.keys.sorted() {
            check.checked += 1
            if try !store.verify(hash) { check.damaged.append(hash) }
        }
        check.missing = local.keys.filter { inventory.files[$0] == nil }.sorted()
        check.unreferenced = inventory.files.keys.filter { !named.contains($0) }.sorted()
        check.uncounted = inventory.files.keys.filter { local[$0] == nil && named.contains($0) && !check.damaged.contains($0) }.sorted()
        check.strays = inventory.strays.count + store.abandonedTemporaries().count
        let texts = try library.textStates()
        check.unindexed = inventory.files.keys.filter { kinds[$0] == .pdf && texts[$0] == nil && !check.damaged.contains($0) }.sorted()
        check.pageIndexOK = try library.checkPageIndex()
        guard repair else { return check }
        for hash in check.damaged { store.remove(hash) }
        try library.forgetFiles(check.damaged + check.missing)
        for hash in check.uncounted {
            try library.noteFilePresent(hash, size: inventory.files[hash] ?? 0, origin: .attached)
        }
        for url in inventory.strays { try? FileManager.default.removeItem(at: url) }
        store.removeAbandonedTemporaries()
        if !check.pageIndexOK { try library.rebuildPageIndex() }
        for hash in check.unindexed { _ = indexText(of: hash, kind: .pdf, again: true) }
        check.repaired = true
        return check
    }
}
