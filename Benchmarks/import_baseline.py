#!/usr/bin/env python3
"""Baseline for `reader-bench formats`: a plain SQLite bulk insert of the rows a
`reader import` stored (papers, tags, memberships, the sync outbox) into the same
schema, in one transaction, with the search index filled in one statement, at
reader's own settings (WAL, synchronous NORMAL, a 32 MiB page cache).

usage: import_baseline.py EMPTY_LIBRARY IMPORTED_LIBRARY OUTPUT_DB
EMPTY_LIBRARY is a library file reader created (so the schema is reader's own);
the rows are read from IMPORTED_LIBRARY before the clock starts. Prints, as JSON,
the seconds of the inserts, of the index fill, of the commit and in all.
"""
import json, shutil, sqlite3, sys, time

empty, source, out = sys.argv[1:4]
shutil.copyfile(empty, out)
tables = ["paper", "tag", "paper_tag", "note", "highlight", "outbox"]
rows = {}
with sqlite3.connect(source) as src:
    for table in tables:
        columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
        rows[table] = (columns, src.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall())
db = sqlite3.connect(out, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = NORMAL")
db.execute("PRAGMA cache_size = -32768")
start = time.perf_counter()
db.execute("BEGIN")
for table in tables:
    columns, values = rows[table]
    if values:
        db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", values)
inserted = time.perf_counter()
db.execute("INSERT INTO paper_fts(rowid, title, authors, abstract, tags, notes, highlights, state)"
           " SELECT rowid, title, authors, abstract, tags, notes, highlights, state FROM paper_search_source")
indexed = time.perf_counter()
db.execute("COMMIT")
end = time.perf_counter()
db.close()
print(json.dumps({"insert": inserted - start, "index": indexed - inserted, "commit": end - indexed,
                  "seconds": end - start, "rows": {t: len(rows[t][1]) for t in tables}}))
