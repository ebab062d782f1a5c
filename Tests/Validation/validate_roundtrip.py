#!/usr/bin/env python3
"""Checks that BibTeX goes through reader without damage, with pybtex as the judge.

Imports Tests/Fixtures/{names,latex,types}.bib, the real bibliographies TeX Live
installs (xampl.bib; with READER_CORPUS=all also biblatex-examples.bib and tugboat.bib
where installed; see corpus.py) and any
further .bib files given, into one library with the built reader, then compares:

1. pybtex's split of each original name (First, von, Last, Jr; LaTeX turned into
   text with pylatexenc) with the parts reader exports as CSL-JSON (given,
   non-dropping-particle, family, suffix; an organisation as literal);
2. pybtex's split of reader's BibTeX and BibLaTeX exports with pybtex's split of
   the original: a name survives the round trip when every part reads the same;
3. the title, venue and abstract pybtex reads from the exports with those it reads
   from the original (LaTeX source, white space aside): an unedited field goes back
   out as written, with its case protection, macros and math.

Exit status 1 lists every difference.

Usage: validate_roundtrip.py PATH/TO/reader [FILE.bib ...]
"""
import json, os, re, sys, tempfile, unicodedata

from corpus import installed_corpus, set_known_apart, run_reader as reader

import pybtex.database
import pybtex.errors
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def converter():
    """pylatexenc, keeping a macro it does not know as written (a document's own
    `\\Thanh` cannot be turned into text by anyone), as reader does."""
    db = get_default_latex_context_db()
    db.add_context_category("reader", prepend=True, macros=[MacroTextSpec("relax", "")])
    db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=lambda node, l2tobj=None: "\\" + node.macroname))
    return LatexNodes2Text(latex_context=db, math_mode="verbatim", strict_latex_spaces=True)


to_text = converter()
# Read as biber does: a duplicate field is a warning (the first is kept), not a refusal.
pybtex.errors.set_strict_mode(False)


def text(parts):
    latex = " ".join(parts)
    return unicodedata.normalize("NFC", " ".join(to_text.latex_to_text(latex).split()))


def split(person):
    """(given, von, last, jr) as text."""
    return (text(person.first_names + person.middle_names), text(person.prelast_names),
            text(person.last_names), text(person.lineage_names))


def people(data):
    """Each entry's authors, or its crossref parent's when it has none (biber's inheritance)."""
    by_key = {k.lower(): e for k, e in data.entries.items()}

    def authors(entry):
        persons = entry.persons.get("author", [])
        parent = by_key.get(entry.fields.get("crossref", "").strip().lower())
        if not persons and parent is not None:
            persons = parent.persons.get("author", [])
        return [split(p) for p in persons if p.last_names != ["others"]]
    return {key: authors(entry) for key, entry in data.entries.items()}


# The entry types plain.bst knows: a BibTeX export keeps them; others go out as the nearest of these.
BIBTEX_TYPES = {"article", "book", "booklet", "conference", "inbook", "incollection", "inproceedings", "manual",
                "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished"}
# A field's name in each dialect, from the other's.
BIBTEX_NAMES = {"location": "address", "annotation": "annote", "journaltitle": "journal", "eprinttype": "archiveprefix",
                "eprintclass": "primaryclass"}
BIBLATEX_NAMES = {"address": "location", "school": "institution", "annote": "annotation", "journal": "journaltitle",
                  "archiveprefix": "eprinttype", "primaryclass": "eprintclass"}
# The arXiv fields, which each dialect writes under its own names only.
EPRINT_FIELDS = {"eprinttype", "archiveprefix", "eprintclass", "primaryclass"}
BOOKS = {"book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings", "reference", "mvreference"}


def inherited(data):
    """Each entry's fields with what biber has it inherit: the fields of its `xdata`
    entries, then its `crossref` parent's (a book's or proceedings' title as
    `booktitle`), its own values first. pybtex leaves `crossref` unresolved."""
    by_key = {k.lower(): e for k, e in data.entries.items()}
    result = {}
    for key, entry in data.entries.items():
        fields = {k.lower(): v for k, v in entry.fields.items()}
        parents = [(by_key.get(x.strip().lower()), False) for x in fields.get("xdata", "").split(",") if x.strip()]
        if "crossref" in fields:
            parents.append((by_key.get(fields["crossref"].strip().lower()), True))
        for parent, is_crossref in parents:
            if parent is None:
                continue
            for name, value in parent.fields.items():
                name = name.lower()
                if is_crossref and name == "title" and parent.type.lower() in BOOKS:
                    name = "booktitle"
                fields.setdefault(name, value)
        result[key] = fields
    return result


def texts(entry, fields=None):
    """Title, venue and abstract as LaTeX source, white space collapsed."""
    f = fields if fields is not None else {k.lower(): v for k, v in entry.fields.items()}
    venue = f.get("journal") or f.get("journaltitle") or f.get("booktitle")
    return {name: unicodedata.normalize("NFC", " ".join(value.split())) for name, value in
            [("title", f.get("title")), ("venue", venue), ("abstract", f.get("abstract"))] if value}




def check(binary, path, failures, explained):
    """Imports one file into a library of its own and compares; returns (names, fields, entries).

    Two differences have their reason and are listed apart (`explained`), not
    failed: an entry merged into another of the file because they share a DOI or
    arXiv id (requirement 1: its key is an alias in the other's BibLaTeX `ids`), and
    an entry of the file that pybtex does not read (it stops, as bibtex does, at a
    brace it takes as unbalanced, `Thi\\{'ebaux`) while reader reads on."""
    label = os.path.basename(path)
    work = tempfile.mkdtemp(prefix="reader-names-")
    library = os.path.join(work, "library.sqlite")
    reader(binary, library, "import", path)
    data = pybtex.database.parse_file(path, "bibtex")
    original = people(data)
    resolved = inherited(data)
    fields = {key: texts(entry, resolved[key]) for key, entry in data.entries.items()}
    entries = data.entries
    count = sum(len(names) for names in original.values())
    with open(path, encoding="utf-8", errors="replace") as f:
        source = f.read()
    starts_of = {}  # where each key's entries start, in file order
    by_case = {}  # the same, by key without case (bibtex and reader tell keys apart without it)
    for match in re.finditer(r"@\w+\s*[({]\s*([^,\s]+)\s*,", source):
        starts_of.setdefault(match.group(1), []).append(match.start())
        by_case.setdefault(match.group(1).lower(), []).append(match.start())
    biblatex = pybtex.database.parse_string(reader(binary, library, "export", "--format", "biblatex"), "bibtex")
    merged = {}
    for key, entry in biblatex.entries.items():
        for alias in entry.fields.get("ids", "").split(","):
            if alias.strip() and alias.strip() not in biblatex.entries:
                merged[alias.strip()] = key
    for key in original:
        if key not in biblatex.entries and key in merged:
            explained.append(f"{label} {key}: merged into {merged[key]} (the same DOI or arXiv id), its key kept in ids")
    # The other side of a merge: an entry that absorbed another holds its fields too.
    set_aside = set()
    own_ids = {k: {x.strip() for x in e.fields.get("ids", "").split(",")} for k, e in entries.items()}
    for alias, key in merged.items():
        if key in original and alias in original and alias not in own_ids.get(key, set()):
            explained.append(f"{label} {key}: absorbed {alias} (the same DOI or arXiv id) and holds what it lacked")
    # Keys a file uses twice (bibtex and biber keep the first entry): reader keeps the
    # second work too, under a key of its own. Keys whose first entry is commented out
    # with `%` (biber skips it, pybtex reads it).
    for key in list(original):
        starts = by_case.get(key.lower(), [])
        line_start = source.rfind("\n", 0, starts[0]) + 1 if starts else 0
        commented = starts and "%" in source[line_start:starts[0]]
        if len(starts) > 1 and not commented:
            explained.append(f"{label} {key}: the file has this key {len(starts)} times (case aside); reader keeps each work, the later ones under keys of their own")
        if commented:
            explained.append(f"{label} {key}: pybtex reads the entry commented out with %, biber and reader the one after it")
        if (key in merged and key not in biblatex.entries) or len(starts) > 1 or commented \
                or (key in biblatex.entries and any(a in original and a not in own_ids.get(key, set()) for a in merged if merged[a] == key)):
            del original[key]
            fields.pop(key, None)
            set_aside.add(key)

    # An @set groups entries and is not a work: its members are imported, it is not.
    for key, entry in entries.items():
        if entry.type.lower() == "set" and key in original:
            explained.append(f"{label} {key}: an @set, not a work (its members {entry.fields.get('entryset', '')} are imported)")
            del original[key]
            fields.pop(key, None)
            set_aside.add(key)
    # A name list that starts with `and` (` and Karen L. Myers` after an undefined
    # @string): bibtex reads an empty name and Karen L. Myers, pybtex one name with
    # von `and`; reader reads Karen L. Myers.
    for key, persons in list(original.items()):
        if any(person[1].split()[:1] == ["and"] for person in persons):
            explained.append(f"{label} {key}: the name list starts with `and`, which pybtex reads as a von part")
            del original[key]
            set_aside.add(key)
    # The entry where pybtex stops reading (`Thi\\{'ebaux`: it counts `\\{` as a brace,
    # as bibtex does, and reads to the end of the file): reader reads it whole.
    final = max(starts_of, key=lambda k: starts_of[k][-1]) if starts_of else None
    if entries and final is not None and final.lower() not in {k.lower() for k in entries}:
        last = list(entries)[-1]
        explained.append(f"{label} {last}: the entry where pybtex stops reading; reader reads it and every later one")
        original.pop(last, None)
        fields.pop(last, None)
        set_aside.add(last)

    def in_source(key):
        return key in starts_of
    # Entries the source gives no key (pybtex calls them unnamed-1, ...): reader makes one.
    keyless = [key for key in original if not in_source(key)]
    renamed = [key for key, starts in by_case.items() for _ in starts[1:]]
    for key in keyless:
        del original[key]
        fields.pop(key, None)

    def beyond_pybtex(key):
        """An entry of the file pybtex did not read, or one reader gave a key."""
        if key in entries:
            return False
        if in_source(key):
            explained.append(f"{label} {key}: read by reader, not by pybtex (nor bibtex), which stop at a brace they take as unbalanced")
            return True
        if keyless:
            explained.append(f"{label} {key}: the key reader made for an entry without one (line of {keyless.pop(0)})")
            return True
        if renamed:
            explained.append(f"{label} {key}: the key reader gave the second entry of key {renamed.pop(0)}")
            return True
        return False
    # 1. The parts reader keeps, as its CSL-JSON export shows them.
    items = json.loads(reader(binary, library, "export", "--format", "csl-json"))
    for item in items:
        expected = original.get(item["id"])
        if expected is None and (item["id"] in set_aside or beyond_pybtex(item["id"])):
            continue
        if expected is None:
            failures.append(f"{label} csl-json: unknown key {item['id']}"); continue
        got = []
        names = item.get("author", [])
        # `and others` goes out as pandoc writes it: a last literal `others`.
        authors = data.entries[item["id"]].persons.get("author", []) if item["id"] in data.entries else []
        goes_on = bool(authors) and authors[-1].last_names == ["others"]
        if names and names[-1] == {"literal": "others"}:
            names = names[:-1]
            if not goes_on:
                failures.append(f"{label} csl-json {item['id']}: ends with `others`, the original does not")
        elif goes_on:
            failures.append(f"{label} csl-json {item['id']}: the original's `and others` is not in the export")
        for name in names:
            if "literal" in name:
                got.append(("", "", name["literal"], ""))
            else:
                von = " ".join(p for p in [name.get("dropping-particle", ""), name.get("non-dropping-particle", "")] if p)
                got.append((name.get("given", ""), von, name.get("family", ""), name.get("suffix", "")))
        if got != expected:
            # pylatexenc converts or drops a macro reader keeps as written (`\\ocirc{u}`,
            # `\\cyrchar\\CYRA`, an accent with nothing under it), with its braces, or
            # keeps a logo reader turns into text (`\\LaTeX`).
            if len(got) == len(expected) and all("\\" in g + e for person, theirs in zip(got, expected) for g, e in zip(person, theirs) if g != e):
                explained.append(f"{label} {item['id']}: reader keeps a macro pylatexenc converts or drops: {got}")
                continue
        if got != expected:
            for g, e in zip(got + [None] * len(expected), expected + [None] * len(got)):
                if g != e:
                    failures.append(f"{label} csl-json {item['id']}: reader {g} != pybtex {e}")

    # 2. pybtex reads reader's BibTeX and BibLaTeX names as it reads the original's.
    # 3. Fields as written.
    for fmt in ["bibtex", "biblatex"]:
        data = pybtex.database.parse_string(reader(binary, library, "export", "--format", fmt), "bibtex")
        exported = people(data)
        for key, expected in original.items():
            if entries[key].type.lower() == "xdata":
                continue
            got = exported.get(key)
            if fmt == "biblatex" and got is not None and any("=" in part for person in got for part in person):
                continue  # BibLaTeX's extended names, which pybtex cannot read (biber's reading is compared in validate_bibtex_tools.py)
            if got != expected:
                failures.append(f"{label} {fmt} {key}: pybtex reads the export as {got}, the original as {expected}")
        for key, expected in fields.items():
            if key not in original or entries[key].type.lower() == "xdata":
                continue  # fields for others, not a work
            got = texts(data.entries[key]) if key in data.entries else None
            if got != expected and got is not None and {k: v.replace("\\%", "%").replace("\\$", "$") for k, v in got.items()} == expected:
                explained.append(f"{label} {fmt} {key}: a % or a lone $ the source left bare is escaped (a % joined into one line would comment out the rest of the field; a lone $ opens math it never closes)")
                continue
            if got != expected:
                failures.append(f"{label} {fmt} {key}: fields {got} != the original's {expected}")
        # 4. Every other field, and the entry type, as the original has them.
        for key, entry in entries.items():
            out = data.entries.get(key)
            if out is None or key not in original:
                continue
            if out.type.lower() != entry.type.lower():
                if fmt == "biblatex" or entry.type.lower() in BIBTEX_TYPES:
                    failures.append(f"{label} {fmt} {key}: @{out.type}, the original @{entry.type}")
            got = {k.lower(): " ".join(v.split()) for k, v in out.fields.items()}
            source_fields = resolved[key]
            # Each dialect's own name for a field (unless the entry has both).
            aliases = BIBLATEX_NAMES if fmt == "biblatex" else \
                {**BIBTEX_NAMES, **({"institution": "school"} if "thesis" in entry.type.lower() else {})}
            for name, value in source_fields.items():
                if name in ("year", "month", "journal", "journaltitle", "booktitle", "title", "abstract", "keywords", "pages", "crossref", "xdata", "ids"):
                    continue
                written = aliases.get(name, name)
                if written != name and written in source_fields and name not in EPRINT_FIELDS:
                    written = name
                if not value.strip():
                    continue  # an empty field says nothing
                value = " ".join(value.split())
                have = got.get(written)
                if name in ("eprinttype", "archiveprefix") and have is not None:
                    have, value = have.lower(), value.lower()
                if name == "eprinttype" and value.lower() != "arxiv":
                    have = got.get(name)  # another archive than arXiv keeps BibLaTeX's name
                if name == "eprint" and have is not None and value.lower().startswith("arxiv:") and have == value[6:]:
                    continue  # the arXiv id without its `arXiv:` (biblatex prints that itself)
                if fmt == "bibtex" and name == "date" and have is None and got.get("year") == value[:4]:
                    continue  # BibTeX has no date: its year (and month) say it
                if name in ("url", "doi", "eprint") and have is not None and have == "".join(value.split()) != value:
                    explained.append(f"{label} {fmt} {key}: {name} without the white space the source has in it ({value!r})")
                    continue
                if name == "doi" and have is not None and re.sub(r"^(doi:\s*|https?://(dx\.)?doi\.org/)", "", value, flags=re.I) == have:
                    continue  # the DOI without its `doi:` or resolver: stored once
                if name == "doi" and have is not None and value == "{" + have + "}":
                    explained.append(f"{label} {fmt} {key}: the DOI without the braces around it all ({value!r}, as Web of Science writes it): "
                                     "biber takes a DOI as written, braces and all")
                    continue
                if name == "doi" and have is not None and have.lower() == value.lower() and have != value:
                    failures.append(f"{label} {fmt} {key}: doi = {have!r}, the original {value!r} (a DOI is kept as written)")
                    continue
                if have != value:
                    failures.append(f"{label} {fmt} {key}: {written} = {have!r}, the original {name} = {value!r}")
    return count, sum(len(f) for f in fields.values()), len(original)


def main():
    binary = sys.argv[1]
    files = [os.path.join(ROOT, "Tests/Fixtures/" + name) for name in ["names.bib", "latex.bib", "types.bib"]] + installed_corpus() + sys.argv[2:]
    print("files: " + ", ".join(os.path.basename(f) for f in files))
    failures, explained = [], []
    count = field_count = entry_count = 0
    for path in files:
        before, reasoned = len(failures), len(explained)
        try:
            names, fields, entries = check(binary, path, failures, explained)
        except RuntimeError as problem:
            failures.append(f"{os.path.basename(path)}: {problem}")
            continue
        count, field_count, entry_count = count + names, field_count + fields, entry_count + entries
        print(f"{os.path.basename(path)}: {names} names, {fields} fields, {entries} entries, {len(failures) - before} differences, {len(explained) - reasoned} explained")
    failures = set_known_apart(failures, explained)
    for reason in explained:
        print("explained: " + reason)
    for failure in failures:
        print(failure)
    print(f"validate_roundtrip: {len(explained)} explained; {len(files)} files, {count} names and {field_count} fields in {entry_count} entries, {len(failures)} differences")
    sys.exit(1 if failures else 0)


main()
