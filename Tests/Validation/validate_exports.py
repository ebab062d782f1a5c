#!/usr/bin/env python3
"""Checks reader's bibliography exports with the tools that consume them.

Builds a library from the bundled example, the test fixtures and generated
papers full of hostile text, exports it as BibTeX, BibLaTeX, CSL-JSON and RIS,
and reads each file back with the real consumers: pybtex and bibtexparser
(BibTeX, BibLaTeX), citeproc-py (CSL-JSON, rendering a bibliography) and rispy
(RIS). Entry counts, keys and field values are compared with the library's own
`reader list --json`. Exit status 1 lists every mismatch.

Usage: validate_exports.py PATH/TO/reader [--seed N]
"""
import json, os, random, subprocess, sys, tempfile, unicodedata

import bibtexparser
import pybtex.database
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PIECES = ["%", "&", "$", "#", "_", "{", "}", "~", "^", "\\", "\"", "'", "--", "@", ",", "and",
          "$x^2$", "$f$-Divergence", "{BERT}", "100%", "C#", "a_b", "🧪", "é", "Ω", "שלום", "中文", "GPT-4", "word"]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def hostile_items(seed, count):
    rng = random.Random(seed)
    words = lambda n: " ".join(rng.choice(PIECES) for _ in range(n))
    items = []
    for i in range(count):
        item = {"id": f"h{i}", "type": "article-journal", "title": f"H{i} " + words(rng.randint(3, 9)),
                "author": [{"family": rng.choice(["Müller", "O'Neil", "Núñez", "Li"]) + str(i), "given": rng.choice(["Zoë", "Ana", "Björk"])}],
                "issued": {"date-parts": [[rng.randint(1990, 2025), rng.randint(1, 12)]]},
                "abstract": words(rng.randint(5, 40)), "DOI": f"10.5555/h.{i}_{rng.randint(0, 99)}"}
        if i % 2:
            item["container-title"] = words(3)
        items.append(item)
    return items


def reader(binary, library, *args, text=True):
    env = dict(os.environ, READER_LIBRARY=library, NO_COLOR="1")
    result = subprocess.run([binary, *args], env=env, capture_output=True, text=text)
    if result.returncode != 0:
        sys.exit(f"reader {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def same(a, b):
    norm = lambda s: unicodedata.normalize("NFC", " ".join((s or "").split()))
    return norm(a) == norm(b)


def decoder():
    """pylatexenc, as bibtexparser's LaTeX decoding uses it, knowing the text
    commands a LaTeX document's fonts provide for the characters BibTeX reserves."""
    db = get_default_latex_context_db()
    db.add_context_category("reader-text-commands", prepend=True, macros=[
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciitilde", "~"), MacroTextSpec("textasciicircum", "^"),
        MacroTextSpec("textbackslash", "\\"),
    ])
    return LatexNodes2Text(latex_context=db, math_mode="verbatim", strict_latex_spaces=True)


def main():
    binary = sys.argv[1]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    print(f"validate_exports: seed {seed}")
    work = tempfile.mkdtemp(prefix="reader-validate-")
    library = os.path.join(work, "library.sqlite")
    hostile = os.path.join(work, "hostile.json")
    with open(hostile, "w", encoding="utf-8") as f:
        json.dump(hostile_items(seed, 200), f, ensure_ascii=False)
    for source in ["Examples/trending-papers.txt", "Tests/Fixtures/refs.bib", "Tests/Fixtures/zotero.csl.json",
                   "Tests/Fixtures/export.ris", "Tests/Fixtures/hf-daily-papers.json"]:
        reader(binary, library, "import", os.path.join(ROOT, source))
    reader(binary, library, "import", hostile)
    exports = {}
    for fmt in ["bibtex", "biblatex", "csl-json", "ris"]:
        path = os.path.join(work, "export." + fmt)
        reader(binary, library, "export", "--format", fmt, "-o", path)
        with open(path, encoding="utf-8") as f:
            exports[fmt] = f.read()
    papers = json.loads(reader(binary, library, "list", "--json", "--limit", "1000000"))
    by_key = {p["cite_key"]: p for p in papers}
    check(len(by_key) == len(papers), "citation keys are not unique")
    n = len(papers)
    print(f"library: {n} papers")

    # BibTeX and BibLaTeX with pybtex.
    for fmt in ["bibtex", "biblatex"]:
        data = pybtex.database.parse_string(exports[fmt], "bibtex")
        check(len(data.entries) == n, f"pybtex {fmt}: {len(data.entries)} entries, library has {n}")
        for key, entry in data.entries.items():
            p = by_key.get(key)
            if p is None:
                failures.append(f"pybtex {fmt}: unknown key {key}"); continue
            # `and others` (kept from the source) is not an author.
            persons = [a for a in entry.persons.get("author", []) if a.last_names != ["others"]]
            check(len(persons) == len(p["authors"]), f"pybtex {fmt} {key}: {len(persons)} authors, library has {len(p['authors'])}")
            if p["doi"]:
                check(entry.fields.get("doi") == p["doi"], f"pybtex {fmt} {key}: doi {entry.fields.get('doi')!r} != {p['doi']!r}")
            if p["url"]:
                check(entry.fields.get("url") == p["url"], f"pybtex {fmt} {key}: url {entry.fields.get('url')!r} != {p['url']!r}")
            if p["arxiv_id"]:
                eprint = p["arxiv_id"] + (f"v{p['arxiv_version']}" if p["arxiv_version"] else "")
                check(entry.fields.get("eprint") == eprint, f"pybtex {fmt} {key}: eprint {entry.fields.get('eprint')!r} != {eprint!r}")
            if fmt == "bibtex" and p["year"]:
                check(entry.fields.get("year") == str(p["year"]), f"pybtex bibtex {key}: year {entry.fields.get('year')!r}")
            if fmt == "biblatex" and p["published"]:
                check(entry.fields.get("date") == p["published"], f"pybtex biblatex {key}: date {entry.fields.get('date')!r}")
        print(f"pybtex {fmt}: {len(data.entries)} entries checked")

    # BibTeX and BibLaTeX with bibtexparser 2, decoding LaTeX to text.
    text = decoder()
    for fmt in ["bibtex", "biblatex"]:
        lib = bibtexparser.parse_string(exports[fmt], append_middleware=[
            LatexDecodingMiddleware(decoder=text), SeparateCoAuthors(), SplitNameParts()])
        check(not lib.failed_blocks, f"bibtexparser {fmt}: {len(lib.failed_blocks)} blocks failed")
        check(len(lib.entries) == n, f"bibtexparser {fmt}: {len(lib.entries)} entries, library has {n}")
        for entry in lib.entries:
            p = by_key.get(entry.key)
            if p is None:
                failures.append(f"bibtexparser {fmt}: unknown key {entry.key}"); continue
            title = entry.fields_dict["title"].value if "title" in entry.fields_dict else ""
            check(same(title, p["title"]), f"bibtexparser {fmt} {entry.key}: title {title!r} != {p['title']!r}")
            authors = entry.fields_dict["author"].value if "author" in entry.fields_dict else []
            families = [" ".join(a.von + a.last) for a in authors if a.last != ["others"]]
            check(len(families) == len(p["authors"]) and all(same(f, p_a) or p_a.endswith(f) or f in p_a for f, p_a in zip(families, p["authors"])),
                  f"bibtexparser {fmt} {entry.key}: authors {families} vs {p['authors']}")
            if p["abstract"]:
                abstract = entry.fields_dict["abstract"].value
                check(same(abstract, p["abstract"]), f"bibtexparser {fmt} {entry.key}: abstract differs: {abstract[:80]!r} vs {p['abstract'][:80]!r}")
        print(f"bibtexparser {fmt}: {len(lib.entries)} entries checked")

    # CSL-JSON with citeproc-py: every item renders in a bibliography.
    items = json.loads(exports["csl-json"])
    check(len(items) == n, f"csl-json: {len(items)} items, library has {n}")
    for item in items:
        p = by_key.get(item["id"])
        check(p is not None and item["title"] == p["title"], f"csl-json {item['id']}: title differs")
    source = CiteProcJSON([{k: v for k, v in item.items() if k != "citation-key"} for item in items])
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    check(len(rendered) == n, f"citeproc-py: {len(rendered)} bibliography entries, library has {n}")
    for item in items:
        reference = source[item["id"].lower()]
        check(same(str(reference.title), item["title"]), f"citeproc-py {item['id']}: title {reference.title!r}")
    check(sum(1 for r in rendered if r.strip()) == n, "citeproc-py: empty bibliography entries")
    print(f"citeproc-py: {len(rendered)} bibliography entries rendered")

    # RIS with rispy.
    entries = rispy.loads(exports["ris"])
    check(len(entries) == n, f"rispy: {len(entries)} records, library has {n}")
    for entry in entries:
        p = by_key.get(entry.get("id"))
        if p is None:
            failures.append(f"rispy: unknown id {entry.get('id')}"); continue
        title = entry.get("title") or entry.get("primary_title") or ""
        check(same(title, p["title"]), f"rispy {entry['id']}: title {title!r} != {p['title']!r}")
        authors = entry.get("authors", [])
        goes_on = authors[-1:] == ["et al."]  # `and others`, as RIS exports write it
        check(goes_on == ((p.get("bib_fields") or {}).get("@moreauthors") == "true"), f"rispy {entry['id']}: `et al.` {goes_on}, the library's mark differs")
        check(len(authors) - goes_on == len(p["authors"]), f"rispy {entry['id']}: authors {authors} vs {p['authors']}")
        if p["doi"]:
            check(entry.get("doi") == p["doi"], f"rispy {entry['id']}: doi {entry.get('doi')!r}")
        if p["abstract"]:
            check(same(entry.get("abstract"), p["abstract"]), f"rispy {entry['id']}: abstract differs")
    print(f"rispy: {len(entries)} records checked")

    if failures:
        print(f"{len(failures)} mismatches:")
        for failure in failures[:50]:
            print("  " + failure)
        sys.exit(1)
    print("all exports accepted by their consumers")


if __name__ == "__main__":
    main()
