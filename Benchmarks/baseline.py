#!/usr/bin/env python3
"""Baseline for reader-bench: a plain bulk insert of the same rows into the same
schema with python3's sqlite3 module, in one transaction, the FTS5 index filled
in one statement.

usage: baseline.py EMPTY_LIBRARY ROWS_JSONL OUTPUT_DB
EMPTY_LIBRARY is a library file that reader created (so the schema is reader's own).
Prints the seconds taken by the insert and the index fill, as JSON.
"""
import json, shutil, sqlite3, sys, time

empty, rows_path, out = sys.argv[1:4]
shutil.copyfile(empty, out)
rows = []
with open(rows_path, encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        rows.append((r["id"], r["title"], json.dumps(r["authors"], ensure_ascii=False, separators=(",", ":")),
                     r["abstract"], r["year"], r["arxiv_id"], r["added_at"], "inbox", 0,
                     r["match_title"], r["clocks"], r["added_at"]))
db = sqlite3.connect(out, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = NORMAL")
start = time.perf_counter()
db.execute("BEGIN")
db.executemany(
    "INSERT INTO paper (id, title, authors, abstract, year, arxiv_id, added_at, status, trashed, match_title, clocks, changed_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.execute("INSERT INTO paper_fts(rowid, title, authors, abstract, tags, notes, highlights)"
           " SELECT rowid, title, authors, abstract, tags, notes, highlights FROM paper_search_source")
db.execute("COMMIT")
elapsed = time.perf_counter() - start
db.close()
print(json.dumps({"seconds": elapsed, "rows": len(rows)}))
