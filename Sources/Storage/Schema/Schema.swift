import Foundation
import GRDB
import Model

/// The database schema and its migrations.
///
/// Each synced entity has a table named after it whose columns are the entity's
/// fields (see ``Model/Entity``), plus `id`, `clocks` (a JSON object of the HLC
/// that last set each field) and `changed_at` (local bookkeeping: when any field
/// last changed). `outbox` holds the records with changes not yet sent.
/// `paper_fts` is an FTS5 index whose content is the `paper_search_source` view.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: library") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;

                CREATE TABLE paper (
                    rowid INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    title TEXT, authors TEXT, published TEXT, year INTEGER,
                    arxiv_id TEXT, arxiv_version INTEGER, doi TEXT,
                    url TEXT, pdf_url TEXT, code_url TEXT, venue TEXT, source TEXT,
                    added_at INTEGER, status TEXT, rating INTEGER, read_at INTEGER, trashed INTEGER,
                    match_title TEXT,
                    clocks TEXT NOT NULL, changed_at INTEGER NOT NULL,
                    abstract TEXT
                );
                CREATE INDEX paper_by_arxiv ON paper(arxiv_id) WHERE arxiv_id IS NOT NULL;
                CREATE INDEX paper_by_doi ON paper(doi) WHERE doi IS NOT NULL;
                CREATE INDEX paper_by_match_title ON paper(match_title);
                CREATE INDEX paper_by_added ON paper(added_at);
                CREATE INDEX paper_by_changed ON paper(changed_at);

                CREATE TABLE tag (
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT,
                    clocks TEXT NOT NULL, changed_at INTEGER NOT NULL
                );
                CREATE INDEX tag_by_name ON tag(name);

                CREATE TABLE paper_tag (
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                    paper_id TEXT, tag_id TEXT, present INTEGER,
                    clocks TEXT NOT NULL, changed_at INTEGER NOT NULL
                );
                CREATE INDEX paper_tag_by_paper ON paper_tag(paper_id);
                CREATE INDEX paper_tag_by_tag ON paper_tag(tag_id);

                CREATE TABLE note (
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                    paper_id TEXT, body TEXT, created_at INTEGER, updated_at INTEGER,
                    trashed INTEGER, conflict_of TEXT,
                    clocks TEXT NOT NULL, changed_at INTEGER NOT NULL
                );
                CREATE INDEX note_by_paper ON note(paper_id);

                CREATE TABLE highlight (
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                    paper_id TEXT, text TEXT, page INTEGER, location TEXT, comment TEXT,
                    created_at INTEGER, updated_at INTEGER, trashed INTEGER,
                    clocks TEXT NOT NULL, changed_at INTEGER NOT NULL
                );
                CREATE INDEX highlight_by_paper ON highlight(paper_id);

                -- Records with field changes not yet sent: one row per record, its
                -- changed field names; a newer change moves the row to the end.
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    entity TEXT NOT NULL, id TEXT NOT NULL, fields TEXT NOT NULL,
                    UNIQUE (entity, id)
                );

                CREATE VIEW paper_search_source AS
                SELECT p.rowid AS rowid,
                    coalesce(p.title, '') AS title,
                    coalesce((SELECT group_concat(a.value, '; ') FROM json_each(p.authors) a), '') AS authors,
                    coalesce(p.abstract, '') AS abstract,
                    coalesce((SELECT group_concat(t.name, ' ') FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id
                              WHERE pt.paper_id = p.id AND pt.present = 1), '') AS tags,
                    coalesce((SELECT group_concat(n.body, char(10)) FROM note n
                              WHERE n.paper_id = p.id AND coalesce(n.trashed, 0) = 0), '') AS notes,
                    coalesce((SELECT group_concat(coalesce(h.text, '') || char(10) || coalesce(h.comment, ''), char(10))
                              FROM highlight h WHERE h.paper_id = p.id AND coalesce(h.trashed, 0) = 0), '') AS highlights,
                    CASE WHEN p.trashed = 1 THEN 'trashed' ELSE '' END AS state
                FROM paper p;

                CREATE VIRTUAL TABLE paper_fts USING fts5(
                    title, authors, abstract, tags, notes, highlights, state,
                    content = 'paper_search_source', content_rowid = 'rowid',
                    tokenize = 'porter unicode61 remove_diacritics 2'
                );
                """)
        }
        migrator.registerMigration("v2: citation keys, categories, comments, lookups") { db in
            try db.execute(sql: """
                ALTER TABLE paper ADD COLUMN cite_key TEXT;
                ALTER TABLE paper ADD COLUMN categories TEXT;
                ALTER TABLE paper ADD COLUMN comment TEXT;
                CREATE INDEX paper_by_cite_key ON paper(cite_key COLLATE NOCASE) WHERE cite_key IS NOT NULL;

                -- Papers added by identifier whose metadata is still to fetch
                -- (local to this machine, not synced).
                CREATE TABLE lookup (
                    paper_id TEXT PRIMARY KEY NOT NULL,
                    queued_at INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3: sync") { db in
            try db.execute(sql: """
                ALTER TABLE note ADD COLUMN title TEXT;

                -- Purged records: the row is deleted, its id and the clock of the purge kept.
                CREATE TABLE tombstone (
                    entity TEXT NOT NULL, id TEXT NOT NULL, hlc TEXT NOT NULL,
                    PRIMARY KEY (entity, id)
                ) WITHOUT ROWID;

                -- Fields (or whole records) of kinds this version does not know, from
                -- newer clients: kept, dumped and forwarded, never dropped.
                CREATE TABLE foreign_field (
                    entity TEXT NOT NULL, id TEXT NOT NULL, field TEXT NOT NULL,
                    value TEXT NOT NULL, hlc TEXT NOT NULL,
                    PRIMARY KEY (entity, id, field)
                ) WITHOUT ROWID;

                -- Local sync state, never synced itself.
                -- The server's revision and text of each text field, the base of the next edit.
                CREATE TABLE text_base (
                    entity TEXT NOT NULL, id TEXT NOT NULL, field TEXT NOT NULL,
                    rev INTEGER NOT NULL, text TEXT,
                    PRIMARY KEY (entity, id, field)
                ) WITHOUT ROWID;
                -- Every text a note body or highlight comment held before it was replaced.
                CREATE TABLE text_history (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    entity TEXT NOT NULL, id TEXT NOT NULL, field TEXT NOT NULL,
                    text TEXT, hlc TEXT, replaced_at INTEGER NOT NULL, reason TEXT NOT NULL
                );
                CREATE INDEX text_history_by_record ON text_history(entity, id, field);
                -- The one push in flight: its exact body, resent until acknowledged,
                -- and the outbox rows it covers.
                CREATE TABLE sync_batch (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    idempotency_key TEXT NOT NULL, first_nseq INTEGER NOT NULL, last_nseq INTEGER NOT NULL,
                    body TEXT NOT NULL, outbox TEXT NOT NULL, created_at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4: changes set aside from sync") { db in
            try db.execute(sql: """
                -- Local changes that break a rule every server applies (a clock before
                -- 2000, a NUL in a text): kept out of the batches so that the rest still
                -- syncs, shown by `reader sync status` and `reader doctor`, released by
                -- `reader doctor --repair` (bad clocks stamped again) or a new edit.
                CREATE TABLE sync_held (
                    entity TEXT NOT NULL, id TEXT NOT NULL, field TEXT NOT NULL,
                    reason TEXT NOT NULL, held_at INTEGER NOT NULL,
                    PRIMARY KEY (entity, id, field)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v5: page ranges") { db in
            try db.execute(sql: "ALTER TABLE paper ADD COLUMN pages TEXT")
        }
        migrator.registerMigration("v6: citation key aliases") { db in
            // The keys of papers merged into this one; the partial index holds the
            // few papers that have any, so that a reference by an alias reads only those.
            try db.execute(sql: """
                ALTER TABLE paper ADD COLUMN cite_aliases TEXT;
                CREATE INDEX paper_with_cite_aliases ON paper(cite_aliases) WHERE cite_aliases IS NOT NULL;
                """)
        }
        migrator.registerMigration("v7: author name parts, LaTeX as written, work types and bibliographic fields") { db in
            try db.execute(sql: """
                ALTER TABLE paper ADD COLUMN author_names TEXT;
                ALTER TABLE paper ADD COLUMN latex TEXT;
                ALTER TABLE paper ADD COLUMN work_type TEXT;
                ALTER TABLE paper ADD COLUMN bib_fields TEXT;
                """)
        }
        migrator.registerMigration("v8: DOIs as written, found without case") { db in
            // A DOI is stored as its source wrote it (10.1103/PhysRevLett.116.061102)
            // and looked up with `doi = ? COLLATE NOCASE`, which this index serves.
            try db.execute(sql: """
                DROP INDEX paper_by_doi;
                CREATE INDEX paper_by_doi ON paper(doi COLLATE NOCASE) WHERE doi IS NOT NULL;
                """)
        }
        migrator.registerMigration("v9: attachments and the file store") { db in
            try db.execute(sql: """
                -- Files that belong to papers (synced); their bytes are in the file store.
                CREATE TABLE attachment (
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                    paper_id TEXT, sha256 TEXT, size INTEGER, kind TEXT, name TEXT, source_url TEXT,
                    added_at INTEGER, trashed INTEGER,
                    clocks TEXT NOT NULL, changed_at INTEGER NOT NULL
                );
                CREATE INDEX attachment_by_paper ON attachment(paper_id);
                CREATE INDEX attachment_by_sha256 ON attachment(sha256);

                -- Local state of the file store, never synced.
                -- The files on this machine: how each came (`fetched` from a URL, so that it
                -- can be fetched again, or `attached`: perhaps the only copy anywhere) and
                -- when it was last opened (the budget evicts the least recently opened).
                CREATE TABLE local_file (
                    sha256 TEXT PRIMARY KEY NOT NULL, size INTEGER NOT NULL, origin TEXT NOT NULL,
                    stored_at INTEGER NOT NULL, opened_at INTEGER
                ) WITHOUT ROWID;
                -- Papers whose files stay whatever the policy and the budget say.
                CREATE TABLE local_pin (paper_id TEXT PRIMARY KEY NOT NULL, pinned_at INTEGER NOT NULL) WITHOUT ROWID;
                -- Text extracted from files, page by page; it stays when the file is evicted.
                CREATE TABLE file_text (
                    sha256 TEXT PRIMARY KEY NOT NULL, pages INTEGER NOT NULL, chars INTEGER NOT NULL,
                    tool TEXT, extracted_at INTEGER NOT NULL, problem TEXT
                ) WITHOUT ROWID;
                CREATE TABLE file_page (
                    rowid INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL,
                    UNIQUE (sha256, page)
                );
                -- Papers without identifiers looked up by their title (local): when, and
                -- what came of it, so that `reader refresh` asks arXiv once per paper.
                CREATE TABLE title_lookup (
                    paper_id TEXT PRIMARY KEY NOT NULL, looked_up_at INTEGER NOT NULL, result TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE VIRTUAL TABLE page_fts USING fts5(
                    text, content = 'file_page', content_rowid = 'rowid',
                    tokenize = 'porter unicode61 remove_diacritics 2'
                );
                """)
        }
        migrator.registerMigration("v10: files the sync server holds") { db in
            // The epoch of the sync server known to hold the file (local): a file whose
            // mark is not the current server's epoch waits to be uploaded, and the budget
            // never evicts it.
            try db.execute(sql: "ALTER TABLE local_file ADD COLUMN on_server TEXT")
        }
        migrator.registerMigration("v11: indexes of the papers in the list, and tag counts") { db in
            // Partial indexes over the papers in the list (not the trash), which the
            // counts by status, the queue and the weekly figures read without touching
            // a paper's row (100,000 rows of abstracts are 150 MB). A query uses them
            // when it says `coalesce(p.trashed, 0) = 0` as they do. The raw `status`
            // column is in them too: SQLite 3.40 computes `coalesce(status, 'inbox')`
            // from an index only when the column itself is there. Three, not more:
            // each costs every import and sync a little.
            try db.execute(sql: """
                CREATE INDEX paper_live ON paper(id) WHERE coalesce(trashed, 0) = 0;
                CREATE INDEX paper_live_by_status ON paper(coalesce(status, 'inbox'), added_at, status) WHERE coalesce(trashed, 0) = 0;
                CREATE INDEX paper_live_by_read ON paper(read_at, added_at, status) WHERE coalesce(trashed, 0) = 0 AND read_at IS NOT NULL;
                """)
            try TagCounts.create(db)
        }
        return migrator
    }

    /// The schema version a current library has in `PRAGMA user_version`: the
    /// number of migrations, so that a new migration can never be skipped by a
    /// version left unchanged.
    static let version = migrator.migrations.count

    /// Whether the library has every migration and its identity, judged from the
    /// file header alone.
    static func isCurrent(_ db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: "PRAGMA user_version") == version
    }

    /// Gives a new library its node id and creation time, and marks the schema current.
    static func ensureIdentity(_ db: Database) throws {
        if try meta(db, "node_id") == nil {
            try setMeta(db, "node_id", NodeID.random().description)
            try setMeta(db, "created_at", String(Int64(Date().timeIntervalSince1970 * 1000)))
        }
        try db.execute(sql: "PRAGMA user_version = \(version)")
    }

    static func nodeID(_ db: Database) throws -> NodeID {
        guard let text = try meta(db, "node_id"), let node = NodeID(hex: text) else {
            throw StorageError.cannotOpen(path: db.description, reason: "the library has no valid node id; run `reader doctor`")
        }
        return node
    }

    static func meta(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [key])
    }

    static func setMeta(_ db: Database, _ key: String, _ value: String) throws {
        try db.cachedStatement(sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .execute(arguments: [key, value])
    }
}

extension Schema {
    /// The columns of `paper_fts` and of its content view `paper_search_source`.
    /// `state` holds the token `trashed` for papers in the trash, so that a search
    /// can leave them out inside FTS5 (`NOT state:trashed`) without reading every
    /// matching paper's row.
    static let searchColumns = "title, authors, abstract, tags, notes, highlights, state"

    /// The tokenizer of `paper_fts`, as migration v1 declared it.
    static let searchTokenizer = "porter unicode61 remove_diacritics 2"

    /// The `meta` key set while a first sync fills the library without keeping the
    /// search index, which is then rebuilt in one statement (see `ChangeWriter`).
    static let searchIndexDeferredKey = "search_index_deferred"

    /// bm25 weights, in `searchColumns` order: a match in the title counts most.
    static let searchWeights = "10.0, 4.0, 1.0, 6.0, 3.0, 3.0, 0.0"
}

extension Entity {
    /// The table that holds this entity's records.
    var table: String { rawValue }
}
