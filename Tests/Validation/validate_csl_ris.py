#!/usr/bin/env python3
"""CSL-JSON and RIS files go through reader without damage, judged by citeproc-py
and rispy.

For each CSL-JSON file (Manubot's test data: CSL-JSON as Crossref, DataCite,
PubMed and greycite serve it; Tests/Fixtures/corpus/manubot) and each RIS file
(rispy's test data, Tests/Fixtures/corpus/rispy; JabRef's, Tests/Fixtures/corpus/jabref:
Scopus, ScienceDirect, PubMed Central and Cell Press exports), and any given on the command
line: import it into a library of its own with the built reader, export it in its
own format, and compare with the original:

- CSL-JSON: citeproc-py reads the export (CiteProcJSON) with as many items as the
  original; every item keeps its id and type, and every variable reader holds
  (title, names with their parts, issued year, DOI as written, URL, container,
  volume, issue, page, publisher, place, ISBN, ISSN, edition, collection title, note,
  abstract) reads the same;
- RIS: rispy reads the export with as many records; each keeps its type, title,
  authors, year, DOI, venue, volume, issue, pages, publisher, place, ISBN/ISSN, URL
  and abstract.

What has a reason is listed apart ("explained": a paper keeps one URL; an end
page without a start page; EndNote's long type names go out as RIS's tags; records
of one work merged). Exit status 1 lists every other difference. Usage: validate_csl_ris.py PATH/TO/reader [FILE ...]
"""
import json, os, re, sys, tempfile, unicodedata

from corpus import csl_and_ris_corpus, run_reader as reader

import rispy
from citeproc.source.json import CiteProcJSON


# CSL variables reader keeps (text), compared as text with white space collapsed.
CSL_TEXT = ["title", "container-title", "volume", "issue", "page", "publisher", "publisher-place", "ISBN", "ISSN",
            "edition", "collection-title", "URL", "abstract", "note", "version"]
CSL_NAMES = ["author", "editor", "translator"]
# RIS tags reader keeps, with the tags that say the same.
RIS_FIELDS = {"type_of_reference": [], "title": ["primary_title"], "year": [], "doi": [], "volume": [], "number": [],
              "start_page": [], "end_page": [], "publisher": [], "place_published": [], "issn": [], "url": ["urls"],
              "abstract": ["notes_abstract"], "secondary_title": ["journal_name", "alternate_title3", "alternate_title1"]}


def text(value):
    if value is None:
        return None
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    value = unicodedata.normalize("NFC", " ".join(str(value).split()))
    return value or None


def people(names):
    """Each name's parts: (family, given, particles, suffix) or the literal."""
    result = []
    for name in names or []:
        if "literal" in name:
            result.append(("literal", text(name["literal"])))
        else:
            particles = " ".join(p for p in [name.get("dropping-particle"), name.get("non-dropping-particle")] if p)
            result.append((text(name.get("family")), text(name.get("given")), text(particles), text(name.get("suffix"))))
    return [p for p in result if p != (None, None, None, None)]


def year(item):
    issued = item.get("issued") or {}
    parts = issued.get("date-parts") or [[]]
    first = parts[0] if parts and isinstance(parts[0], list) else []
    if first and first[0] not in (None, ""):
        return str(first[0])
    raw = str(issued.get("raw") or issued.get("literal") or "")
    match = re.match(r"\d{4}", raw)
    return match.group(0) if match else None


def check_csl(binary, path, failures, explained):
    label = os.path.basename(path)
    with open(path, encoding="utf-8-sig") as f:
        original = json.load(f)
    if isinstance(original, dict):
        original = [original]
    library = os.path.join(tempfile.mkdtemp(prefix="reader-csl-"), "library.sqlite")
    reader(binary, library, "import", path)
    exported = json.loads(reader(binary, library, "export", "--format", "csl-json"))
    # citeproc-py reads the export as it reads the original.
    # (Where it cannot read the original, as with Manubot's empty and null date
    # parts, it is asked only to read the export.)
    try:
        CiteProcJSON(json.loads(json.dumps(original)))
        readable = [(exported, "export")]
    except Exception:  # noqa: BLE001
        readable = [([item for item in exported if item.get("issued")], "export (items with a date)")]
    for items, which in readable:
        try:
            CiteProcJSON(json.loads(json.dumps(items)))
        except Exception as problem:  # noqa: BLE001 - any refusal is the finding
            failures.append(f"{label}: citeproc-py cannot read the {which}: {problem}")
    if len(exported) != len(original):
        failures.append(f"{label}: {len(exported)} items exported, {len(original)} in the original")
    by_id = {str(item.get("id")): item for item in exported}
    for index, item in enumerate(original):
        key = str(item.get("id"))
        out = by_id.get(key) if item.get("id") is not None else None
        if out is None:
            # An item without an id, or with one reader could not keep as a key: by title.
            out = next((o for o in exported if text(o.get("title")) == text(item.get("title"))), None)
        if out is None:
            failures.append(f"{label} {key}: not in the export"); continue
        if item.get("type") and out.get("type") != item.get("type"):
            failures.append(f"{label} {key}: type {out.get('type')!r}, the original {item.get('type')!r}")
        for name in CSL_TEXT:
            if name == "container-title" and text(item.get(name)) == "arXiv" and "arxiv" in json.dumps(out).lower():
                continue  # a preprint's `arXiv` is its archive, which the export says with the arXiv id
            if text(item.get(name)) is not None and text(out.get(name)) != text(item.get(name)):
                failures.append(f"{label} {key}: {name} = {text(out.get(name))!r}, the original {text(item.get(name))!r}")
        if text(item.get("DOI")) and text(out.get("DOI")) != text(item.get("DOI")):
            failures.append(f"{label} {key}: DOI = {out.get('DOI')!r}, the original {item.get('DOI')!r}")
        for name in CSL_NAMES:
            if people(item.get(name)) and people(out.get(name)) != people(item.get(name)):
                failures.append(f"{label} {key}: {name} {people(out.get(name))}, the original {people(item.get(name))}")
        if year(item) and year(out) != year(item):
            failures.append(f"{label} {key}: issued {year(out)}, the original {year(item)}")
    return len(original)


def ris_value(record, name):
    for tag in [name] + RIS_FIELDS.get(name, []):
        if record.get(tag):
            value = record[tag]
            if name == "year":
                match = re.search(r"\d{4}", str(value))
                return match.group(0) if match else None
            if name == "doi":
                return text(re.sub(r"^(doi:\s*|https?://(dx\.)?doi\.org/)", "", text(value), flags=re.I))
            return text(value)
    return None


def names_of(record):
    return tuple(re.sub(r",\s*", ", ", text(a)) for a in (record.get("authors") or record.get("first_authors") or []))


def check_ris(binary, path, failures, explained):
    label = os.path.basename(path)
    with open(path, encoding="utf-8-sig") as f:
        original = rispy.load(f, skip_unknown_tags=True)
    library = os.path.join(tempfile.mkdtemp(prefix="reader-ris-"), "library.sqlite")
    reader(binary, library, "import", path)
    exported = rispy.loads(reader(binary, library, "export", "--format", "ris"), skip_unknown_tags=True)
    # Records reader merged into another (the same title, authors and year): compared with it.
    # Records of one work (the same title, first author and year) are merged into one.
    works = {(ris_value(r, "title"), names_of(r)[:1], ris_value(r, "year")) if ris_value(r, "title") else i
             for i, r in enumerate(original)}
    if len(exported) != len(works):
        failures.append(f"{label}: {len(exported)} records exported, {len(works)} works in the original's {len(original)} records")
    by_title = {}
    for record in exported:
        by_title.setdefault(ris_value(record, "title"), record)
    for index, record in enumerate(original):
        title = ris_value(record, "title")
        out = by_title.get(title) if title else (exported[index] if index < len(exported) else None)
        if out is None:
            failures.append(f"{label} record {index + 1} ({title!r}): not in the export"); continue
        for name in RIS_FIELDS:
            theirs = ris_value(record, name)
            if name == "url" and theirs and ris_value(out, name) == theirs.split("; ")[0]:
                if theirs != ris_value(out, name):
                    explained.append(f"{label} record {index + 1}: a paper keeps one URL, the first of {theirs!r}")
                continue
            if name == "end_page" and theirs and not ris_value(record, "start_page"):
                explained.append(f"{label} record {index + 1}: an end page ({theirs}) without a start page is not kept")
                continue
            if name == "type_of_reference" and theirs and len(theirs) > 4 and len(ris_value(out, name) or "") <= 4:
                explained.append(f"{label} record {index + 1}: the type {theirs!r} goes out as RIS's tag {ris_value(out, name)!r}")
                continue
            if theirs is not None and ris_value(out, name) != theirs:
                failures.append(f"{label} record {index + 1}: {name} = {ris_value(out, name)!r}, the original {theirs!r}")
        authors = list(names_of(record))
        if authors and list(names_of(out)) != authors:
            failures.append(f"{label} record {index + 1}: authors {out.get('authors')}, the original {authors}")
    return len(original)


def main():
    binary = sys.argv[1]
    files = csl_and_ris_corpus() + sys.argv[2:]
    failures, explained, total = [], [], 0
    for path in files:
        before = len(failures)
        try:
            count = (check_csl if path.endswith(".json") else check_ris)(binary, path, failures, explained)
        except RuntimeError as problem:
            failures.append(f"{os.path.basename(path)}: {problem}"); continue
        total += count
        print(f"{os.path.basename(path)}: {count} records, {len(failures) - before} differences")
    for reason in explained:
        print("explained: " + reason)
    for failure in failures:
        print(failure)
    print(f"validate_csl_ris: {len(explained)} explained; {len(files)} files, {total} records, {len(failures)} differences")
    sys.exit(1 if failures else 0)


main()
