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
import json, os, subprocess, sys, tempfile, unicodedata

from corpus import installed_corpus

import pybtex.database
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
    return {name: " ".join(value.split()) for name, value in
            [("title", f.get("title")), ("venue", venue), ("abstract", f.get("abstract"))] if value}


def reader(binary, library, *args):
    env = dict(os.environ, READER_LIBRARY=library, NO_COLOR="1")
    result = subprocess.run([binary, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"reader {' '.join(args)} failed: {result.stderr}")
    return result.stdout




def main():
    binary = sys.argv[1]
    files = [os.path.join(ROOT, "Tests/Fixtures/" + name) for name in ["names.bib", "latex.bib", "types.bib"]] + installed_corpus() + sys.argv[2:]
    print("files: " + ", ".join(os.path.basename(f) for f in files))
    work = tempfile.mkdtemp(prefix="reader-names-")
    library = os.path.join(work, "library.sqlite")
    original, fields, entries, resolved = {}, {}, {}, {}
    for path in files:
        reader(binary, library, "import", path)
        data = pybtex.database.parse_file(path, "bibtex")
        original.update(people(data))
        resolved.update(inherited(data))
        fields.update({key: texts(entry, resolved[key]) for key, entry in data.entries.items()})
        entries.update(data.entries)
    failures = []
    count = sum(len(names) for names in original.values())

    # 1. The parts reader keeps, as its CSL-JSON export shows them.
    items = json.loads(reader(binary, library, "export", "--format", "csl-json"))
    for item in items:
        expected = original.get(item["id"])
        if expected is None:
            failures.append(f"csl-json: unknown key {item['id']}"); continue
        got = []
        for name in item.get("author", []):
            if "literal" in name:
                got.append(("", "", name["literal"], ""))
            else:
                von = " ".join(p for p in [name.get("dropping-particle", ""), name.get("non-dropping-particle", "")] if p)
                got.append((name.get("given", ""), von, name.get("family", ""), name.get("suffix", "")))
        if got != expected:
            for g, e in zip(got + [None] * len(expected), expected + [None] * len(got)):
                if g != e:
                    failures.append(f"csl-json {item['id']}: reader {g} != pybtex {e}")

    # 2. pybtex reads reader's BibTeX and BibLaTeX names as it reads the original's.
    # 3. Fields as written.
    for fmt in ["bibtex", "biblatex"]:
        data = pybtex.database.parse_string(reader(binary, library, "export", "--format", fmt), "bibtex")
        exported = people(data)
        for key, expected in original.items():
            if entries[key].type.lower() == "xdata":
                continue
            got = exported.get(key)
            if got != expected:
                failures.append(f"{fmt} {key}: pybtex reads the export as {got}, the original as {expected}")
        for key, expected in fields.items():
            if entries[key].type.lower() == "xdata":
                continue  # fields for others, not a work
            got = texts(data.entries[key]) if key in data.entries else None
            if got != expected:
                failures.append(f"{fmt} {key}: fields {got} != the original's {expected}")
        # 4. Every other field, and (in BibTeX) the entry type, as the original has them.
        for key, entry in entries.items():
            out = data.entries.get(key)
            if out is None:
                continue
            if fmt == "bibtex" and out.type != entry.type:
                failures.append(f"bibtex {key}: @{out.type}, the original @{entry.type}")
            got = {k.lower(): " ".join(v.split()) for k, v in out.fields.items()}
            # Each dialect's own name: BibLaTeX's location and institution, BibTeX's address and school.
            aliases = {"address": "location", "school": "institution"} if fmt == "biblatex" else \
                {"location": "address", **({"institution": "school"} if "thesis" in entry.type.lower() else {})}
            for name, value in resolved[key].items():
                if name in ("year", "month", "journal", "booktitle", "title", "abstract", "keywords", "pages", "crossref", "xdata"):
                    continue
                written = aliases.get(name, name)
                if not value.strip():
                    continue  # an empty field says nothing
                if got.get(written) != " ".join(value.split()):
                    failures.append(f"{fmt} {key}: {written} = {got.get(written)!r}, the original {name} = {value!r}")

    for failure in failures:
        print(failure)
    print(f"validate_roundtrip: {count} names and {sum(len(f) for f in fields.values())} fields in {len(original)} entries, {len(failures)} differences")
    sys.exit(1 if failures else 0)


main()
