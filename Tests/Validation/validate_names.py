#!/usr/bin/env python3
"""Checks that reader reads and writes names as bibtex does, with pybtex as the judge.

Imports Tests/Fixtures/names.bib (and any further .bib files given) with the built
reader, then compares, name by name:

1. pybtex's split of the original (First, von, Last, Jr; LaTeX turned into text
   with pylatexenc) with the parts reader exports as CSL-JSON (given,
   non-dropping-particle, family, suffix; an organisation as literal);
2. pybtex's split of reader's BibTeX and BibLaTeX exports with pybtex's split of
   the original: a name survives the round trip when every part reads the same.

Exit status 1 lists every difference.

Usage: validate_names.py PATH/TO/reader [FILE.bib ...]
"""
import json, os, subprocess, sys, tempfile, unicodedata

import pybtex.database
from pylatexenc.latex2text import LatexNodes2Text

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
to_text = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def text(parts):
    latex = " ".join(parts)
    return unicodedata.normalize("NFC", " ".join(to_text.latex_to_text(latex).split()))


def split(person):
    """(given, von, last, jr) as text."""
    return (text(person.first_names + person.middle_names), text(person.prelast_names),
            text(person.last_names), text(person.lineage_names))


def people(data):
    return {key: [split(p) for p in entry.persons.get("author", []) if p.last_names != ["others"]]
            for key, entry in data.entries.items()}


def reader(binary, library, *args):
    env = dict(os.environ, READER_LIBRARY=library, NO_COLOR="1")
    result = subprocess.run([binary, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"reader {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def main():
    binary = sys.argv[1]
    files = [os.path.join(ROOT, "Tests/Fixtures/names.bib")] + sys.argv[2:]
    work = tempfile.mkdtemp(prefix="reader-names-")
    library = os.path.join(work, "library.sqlite")
    original = {}
    for path in files:
        reader(binary, library, "import", path)
        original.update(people(pybtex.database.parse_file(path, "bibtex")))
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
    for fmt in ["bibtex", "biblatex"]:
        exported = people(pybtex.database.parse_string(reader(binary, library, "export", "--format", fmt), "bibtex"))
        for key, expected in original.items():
            got = exported.get(key)
            if got != expected:
                failures.append(f"{fmt} {key}: pybtex reads the export as {got}, the original as {expected}")

    for failure in failures:
        print(failure)
    print(f"validate_names: {count} names in {len(original)} entries, {len(failures)} differences")
    sys.exit(1 if failures else 0)


main()
