#!/usr/bin/env python3
"""Every corpus file, imported once, goes out to every format reader writes, and
each export is read by that format's own tools and compared with the original.

The other validators hold each file to its own family exactly (BibTeX through
pybtex, bibtex and biber; CSL-JSON through citeproc-py; RIS through rispy). This
one crosses families: a BibTeX file exported as CSL-JSON and RIS, a CSL-JSON file
as BibTeX, BibLaTeX and RIS, a RIS file as BibTeX, BibLaTeX and CSL-JSON, a Web of
Science export to all four, and each as CSV. Both sides are read by independent
parsers (pybtex with pylatexenc for BibTeX and BibLaTeX, json and citeproc-py for
CSL-JSON, rispy for RIS, wostools for Web of Science, Python's csv for CSV) into the
same record, and compared:

- entry counts and keys: every original entry is in every export under its key
  (CSL `id`, RIS `ID`, BibTeX key); an entry merged into another (a shared DOI or
  arXiv id) is found under the key of the entry that absorbed it (BibLaTeX `ids`);
  nothing appears that the original does not hold;
- types, as kinds of work (a journal article, a conference paper, a book, a
  chapter, a thesis, a report, a web page, ...), where the target has the kind;
- every field the target format holds: title, authors' family names, year, DOI,
  volume, issue, first page, publisher, container (journal or book title), ISBN,
  editors' family names. Text is compared as its letters and digits (case,
  punctuation and LaTeX markup aside: the family validators compare those exactly).

What has a reason is listed apart ("explained"); exit status 1 lists every other
difference. Usage: validate_across_formats.py PATH/TO/reader [FILE ...]
"""
import csv, io, json, os, re, sys, tempfile, unicodedata

from corpus import csl_and_ris_corpus, installed_corpus, run_reader, set_known_apart, wos_corpus

import pybtex.database
import pybtex.errors
import rispy
from citeproc.source.json import CiteProcJSON
from wostools.article import Article as WoSArticle
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

pybtex.errors.set_strict_mode(False)
pybtex.errors.print_error = lambda *args, **kwargs: None  # the family validators report pybtex's warnings

# The formats reader exports that hold bibliographic records (Markdown is a reading list to read, not to parse).
FORMATS = ["bibtex", "biblatex", "csl-json", "ris", "csv"]
# What each target holds. CSV has no key, no type and authors only as display names.
FIELDS = ["title", "authors", "year", "doi", "volume", "issue", "page", "publisher", "container", "isbn", "editors"]
HOLDS = {"bibtex": FIELDS, "biblatex": FIELDS, "csl-json": FIELDS, "ris": FIELDS,
         "csv": ["title", "authors", "year", "doi", "container"]}

# Kinds of work, by each family's type names.
BIB_KINDS = {
    "article": "article", "inproceedings": "paper", "conference": "paper", "book": "book", "mvbook": "book",
    "collection": "collection", "mvcollection": "collection", "proceedings": "collection", "mvproceedings": "collection",
    "incollection": "chapter", "inbook": "chapter", "bookinbook": "chapter", "suppbook": "chapter",
    "suppcollection": "chapter", "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "online": "webpage", "electronic": "webpage", "www": "webpage",
    "webpage": "webpage", "unpublished": "manuscript", "booklet": "pamphlet", "patent": "patent",
    "dataset": "dataset", "software": "software", "periodical": "periodical", "inreference": "entry",
}
CSL_KINDS = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "paper-conference": "paper", "book": "book", "collection": "collection", "chapter": "chapter", "thesis": "thesis",
    "report": "report", "webpage": "webpage", "post": "webpage", "post-weblog": "webpage", "manuscript": "manuscript",
    "article": "preprint", "pamphlet": "pamphlet", "patent": "patent", "dataset": "dataset", "software": "software",
    "periodical": "periodical", "entry-encyclopedia": "entry", "entry-dictionary": "entry",
}
RIS_KINDS = {
    "JOUR": "article", "EJOUR": "article", "MGZN": "article", "NEWS": "article", "CONF": "paper", "CPAPER": "paper",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "collection", "CHAP": "chapter", "ECHAP": "chapter", "THES": "thesis",
    "RPRT": "report", "ELEC": "webpage", "WEB": "webpage", "BLOG": "webpage", "UNPB": "preprint",
    "MANSCPT": "manuscript", "PAMP": "pamphlet", "PAT": "patent", "DATA": "dataset", "COMP": "software",
    "JFULL": "periodical", "ENCYC": "entry", "DICT": "entry",
}
# Kinds BibTeX (plain.bst's types) has no entry type for: they go out as @misc (a collection as @book).
NOT_IN_BIBTEX = {"webpage", "preprint", "patent", "dataset", "software", "periodical", "collection", "entry"}


# Where pylatexenc meets a macro it does not know (`\MF`, a document's own `\Thanh`): reader
# writes such a macro's text where it knows one (METAFONT) and the macro where it does
# not, so any text may stand there.
UNKNOWN = "\ue000"


def latex_converter():
    db = get_default_latex_context_db()
    db.add_context_category("reader", prepend=True, macros=[MacroTextSpec("relax", "")])
    db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=UNKNOWN))
    return LatexNodes2Text(latex_context=db, math_mode="verbatim", strict_latex_spaces=True)


LATEX = latex_converter()


def skeleton(value):
    """A text's letters and digits, lower case, accents kept: what every format must carry."""
    if value is None:
        return None
    value = unicodedata.normalize("NFKC", str(value)).casefold()
    value = re.sub(r"\\[a-z]+", UNKNOWN, value)  # a macro as written, in a format without LaTeX
    value = "".join(c for c in value if c.isalnum() or c == UNKNOWN)
    return value or None


def same_text(theirs, ours, within=False):
    """Whether two skeletons say the same (or `theirs` is within `ours`), any text
    standing for an unknown macro."""
    ours = ours or ""
    if UNKNOWN not in theirs and UNKNOWN not in ours:
        return theirs in ours if within else theirs == ours
    pattern = ".*".join(re.escape(part) for part in theirs.split(UNKNOWN))
    match = re.search if within else re.fullmatch
    return match(pattern, ours.replace(UNKNOWN, "")) is not None


def first_page(value):
    if not value:
        return None
    return skeleton(re.split(r"\s*(?:-+|–|—)\s*", str(value).strip())[0])


def a_year(value):
    match = re.search(r"-?\d{4}", str(value or ""))
    return match.group(0) if match else None


def a_doi(value):
    if not value:
        return None
    value = re.sub(r"^(doi:\s*|https?://(dx\.)?doi\.org/|https?://doi\.acm\.org/)", "", str(value).strip(), flags=re.I)
    return value.lower() or None


def record(key, kind, title=None, authors=(), year=None, doi=None, volume=None, issue=None, page=None,
           publisher=None, container=None, isbn=None, editors=(), aliases=()):
    return {"key": key, "kind": kind, "title": skeleton(title), "authors": [skeleton(a) for a in authors if skeleton(a)],
            "year": a_year(year), "doi": a_doi(doi), "volume": skeleton(volume), "issue": skeleton(issue),
            "page": first_page(page), "publisher": skeleton(publisher), "container": skeleton(container),
            "isbn": skeleton(isbn), "editors": [skeleton(e) for e in editors if skeleton(e)], "aliases": list(aliases),
            "type": None}


# Readers: each family's own tools.

def read_bibtex(text):
    data = pybtex.database.parse_string(text, "bibtex")

    def field(entry, *names):
        for name in names:
            value = entry.fields.get(name)
            if value:
                return LATEX.latex_to_text(value)
        return None

    def families(entry, role):
        return [LATEX.latex_to_text(" ".join(p.prelast_names + p.last_names)) for p in entry.persons.get(role, [])
                if [n.lower() for n in p.last_names] != ["others"]]  # `and others`, as reader and biber read it

    records = []
    for key, entry in data.entries.items():
        date = entry.fields.get("date") or ""
        year = re.sub(r"\\noopsort\{[^}]*\}", "", entry.fields.get("year") or "")  # sorts, prints nothing
        found = record(
            key, BIB_KINDS.get(entry.type.lower()), field(entry, "title"), families(entry, "author"),
            year or date, field(entry, "doi"), field(entry, "volume"),
            field(entry, "number", "issue"), field(entry, "pages"), field(entry, "publisher"),
            field(entry, "journal", "journaltitle", "booktitle"), field(entry, "isbn", "issn"), families(entry, "editor"),
            [k.strip() for k in (entry.fields.get("ids") or "").split(",") if k.strip()])
        found["type"] = entry.type.lower()
        found["comma_names"] = [n for n in families(entry, "author") + families(entry, "editor") if "," in n]
        records.append(found)
    return records


def csl_family(name):
    """The family name with its particles (`van Gennep`), or the literal name."""
    parts = [name.get("dropping-particle"), name.get("non-dropping-particle"), name.get("family")]
    return name.get("literal") or " ".join(p for p in parts if p) or None


def read_csl(text):
    items = json.loads(text)
    if isinstance(items, dict):
        items = [items]
    # citeproc-py must read it (items with dates; Manubot's files hold null date parts it refuses).
    CiteProcJSON([item for item in items if (item.get("issued") or {}).get("date-parts") not in (None, [[]], [[None]])])
    records = []
    for item in items:
        issued = item.get("issued") or {}
        parts = issued.get("date-parts") or [[]]
        year = parts[0][0] if parts and isinstance(parts[0], list) and parts[0] else issued.get("raw") or issued.get("literal")

        def one(name):
            value = item.get(name)
            return "; ".join(map(str, value)) if isinstance(value, list) else value

        authors = [csl_family(n) for n in item.get("author") or [] if csl_family(n) and n.get("literal") != "others"]
        editors = [csl_family(n) for n in item.get("editor") or [] if csl_family(n) and n.get("literal") != "others"]
        records.append(record(
            str(item["id"]) if item.get("id") is not None else None, CSL_KINDS.get(item.get("type")), one("title"),
            authors, year, one("DOI"), one("volume"), one("issue") or one("number"), one("page"),
            one("publisher"), one("container-title"), one("ISBN") or one("ISSN"), editors))
        records[-1]["family"] = "csl-json"
    return records


def ris_family(name):
    """The family name of an `AU`, with its particles: before the comma (`van Gennep, Arnold`)."""
    family = str(name).split(",")[0].strip()
    return None if family.lower() in ("et al.", "et al", "et. al.") else family


def read_ris(text):
    records = []
    for entry in rispy.loads(text, skip_unknown_tags=False):
        def one(*tags):
            for tag in tags:
                value = entry.get(tag)
                if value:
                    return "; ".join(map(str, value)) if isinstance(value, list) else value
            return None
        authors = [ris_family(a) for a in entry.get("authors") or entry.get("first_authors") or []]
        editors = [ris_family(a) for a in (entry.get("unknown_tag") or {}).get("ED", [])]
        records.append(record(
            one("id"), RIS_KINDS.get(str(one("type_of_reference") or "").upper()), one("title", "primary_title"),
            [a for a in authors if a], one("year", "publication_year", "date"), one("doi"), one("volume"),
            one("number"), one("start_page"), one("publisher"),
            one("secondary_title", "journal_name", "alternate_title3", "alternate_title1"), one("issn"),
            [e for e in editors if e]))
    return records


# Web of Science's `PT` (J journal, B book, S series, P patent), refined by `DT`.
def wos_kind(pt, dt):
    document = (dt or "").lower()
    if "proceedings paper" in document:
        return "paper"
    if "book chapter" in document:
        return "chapter"
    return {"J": "article", "B": "book", "P": "patent"}.get((pt or "").upper())


def read_wos(text):
    """Web of Science's tagged export, each record (`PT` to `ER`) read by wostools."""
    records, lines = [], []
    for line in text.splitlines():
        if line.startswith(("FN ", "VR ")) or line.strip() == "EF":
            continue
        if line.strip() == "ER":
            if lines:
                article = WoSArticle.from_isi_text("\n".join(lines))
                extra = article.extra

                def one(tag):
                    value = extra.get(tag)
                    return "; ".join(value) if isinstance(value, list) else value
                authors = extra.get("AF") or article.authors
                editors = extra.get("BE") or extra.get("ED") or []
                records.append(record(
                    None, wos_kind(one("PT"), one("DT")), article.title, [ris_family(a) for a in authors if ris_family(a)],
                    article.year, article.doi, article.volume, article.issue, article.page or one("AR"), one("PU"),
                    one("SO"), one("SN"), [ris_family(e) for e in editors if ris_family(e)]))
            lines = []
        elif line.strip():
            lines.append(line)
    return records


def read_csv(text):
    rows = list(csv.DictReader(io.StringIO(text)))
    return [record(None, None, row["title"], [a for a in row["authors"].split("; ") if a != "et al."], row["year"],
                   row["doi"], container=row["venue"]) for row in rows]


READERS = {"bibtex": read_bibtex, "biblatex": read_bibtex, "csl-json": read_csl, "ris": read_ris, "csv": read_csv,
           "wos": read_wos}


def family_of(path):
    return ("csl-json" if path.endswith(".json") else "ris" if path.endswith(".ris")
            else "wos" if path.endswith(".txt") else "bibtex")


def original(path):
    """The original's records, and its text."""
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        text = f.read()
    return READERS[family_of(path)](text), text


def authors_match(theirs, ours, target):
    if target == "csv":
        # Display names, joined with `; ` (which a name may hold): each family name in them, in order.
        pattern = ".*".join(".*".join(re.escape(part) for part in t.split(UNKNOWN)) for t in theirs)
        return re.search(pattern, "".join(ours)) is not None
    return len(theirs) == len(ours) and all(same_text(t, o) for t, o in zip(theirs, ours))


def differences(o, out, target):
    """(field, the original's, the export's) for each field the target holds that differs."""
    found = []
    for field in HOLDS[target]:
        theirs, ours = o[field], out[field]
        if not theirs:
            continue
        if field in ("authors", "editors"):
            if not authors_match(theirs, ours, target):
                found.append((field, theirs, ours))
        elif not same_text(theirs, ours):
            found.append((field, theirs, ours))
    return found


def explanation(o, out, target, field, theirs, ours, source):
    """Why a field differs, where reader means it to."""
    if field in ("authors", "editors") and theirs and theirs[-1] == "etal" and authors_match(theirs[:-1], ours, target):
        return f"its {field} end `and et al.` (as Google Scholar writes them), which pybtex reads as a person and reader as BibTeX's `and others`"
    if field in ("container", "publisher") and not ours and theirs.startswith("arxiv"):
        return f"its {field} names arXiv: it is the arXiv id (eprint, AN/DB, archive), not a venue"
    if field == "issue" and not ours and source["csl-json"] and re.fullmatch(r"\d{4}\d{5}v?\d*", theirs):
        return f"its CSL number is its arXiv id ({theirs}), which goes out as the arXiv id"
    if field == "doi" and not theirs.startswith("10."):
        return f"its DOI field ({theirs}) is not a DOI (no `10.` prefix): kept as written for BibTeX only"
    if field == "year" and theirs.startswith("-") and not ours:
        return f"a year before the common era ({theirs}): kept as written for BibLaTeX; reader's year (1000-9999) holds none"
    if field in ("authors", "editors") and target == "ris" and len(theirs) == len(ours or []) and any(
            "," in name for name in source["commas"]):
        return "a family name with a comma in it (`{Bell, II}`): RIS's `Family, Given` cannot hold it"
    return None


def compare(label, target, originals, exported, failures, explained, source_text, merged):
    name_of = lambda o, index: o["key"] or f"record {index + 1}"  # noqa: E731
    keys = {}
    for o in originals:
        if o["key"]:
            keys[o["key"].lower()] = keys.get(o["key"].lower(), 0) + 1
    by_key = {r["key"].lower(): r for r in reversed(exported) if r["key"]}
    # Keys of entries merged into another (a shared DOI or arXiv id), as the BibLaTeX export's `ids` says.
    by_any_key = {r["key"].lower(): r for r in exported if r["key"]}
    aliases = {alias: by_any_key[key] for alias, key in merged.items() if key in by_any_key}
    by_title = {}
    for r in exported:
        by_title.setdefault(r["title"], []).append(r)
    matched, pairs, unmatched = set(), [], []
    # Keys first (a key given once in the original), then titles: works of one title are many.
    for index, o in enumerate(originals):
        if o["key"] and re.fullmatch(r"unnamed-\d+", o["key"]) and o["key"] not in source_text:
            o = dict(o, key=None)  # pybtex's name for an entry without a key; reader makes one of its own
        key = (o["key"] or "").lower()
        if key and keys[key] == 1:
            if key in by_key and id(by_key[key]) not in matched:
                matched.add(id(by_key[key])); pairs.append((index, o, by_key[key])); continue
            if key in aliases:
                explained.append(f"{label} -> {target} {o['key']}: merged into {aliases[key]['key']} (a shared identifier), kept as its alias")
                matched.add(id(aliases[key])); continue
        unmatched.append((index, o))
    for index, o in unmatched:
        candidates = [r for r in by_title.get(o["title"], []) if id(r) not in matched]
        if not candidates and o["title"] and UNKNOWN in o["title"]:
            candidates = [r for r in exported if id(r) not in matched and same_text(o["title"], r["title"])]
        if not candidates:
            same_work = [r for r in exported if r["title"] == o["title"] and r["year"] == o["year"]
                         and authors_match(o["authors"][:1], r["authors"][:1], target)]
            if o["type"] in ("set", "xdata"):
                explained.append(f"{label} -> {target} {name_of(o, index)}: a @{o['type']} is not a work: its members (or the entries that use it) are kept")
            elif o["title"] and same_work and not o["key"]:
                explained.append(f"{label} -> {target} {name_of(o, index)}: the same work (title, first author, year) given again without a key, merged into one")
            elif not (o["key"] or o["title"] or o["authors"] or o["year"]):
                explained.append(f"{label} -> {target} {name_of(o, index)}: pybtex reads none of its fields (an entry without a key, `@article{{,`)")
            else:
                failures.append(f"{label} -> {target} {name_of(o, index)}: not in the export")
            continue
        out = min(candidates, key=lambda r: len(differences(o, r, target)))
        matched.add(id(out))
        pairs.append((index, o, out))
        if o["key"] and (out["key"] or "").lower() != o["key"].lower():
            if keys[o["key"].lower()] > 1:
                explained.append(f"{label} -> {target} {o['key']}: the key is given to {keys[o['key'].lower()]} entries of the file; this one went out as {out['key']}")
            else:
                failures.append(f"{label} -> {target} {o['key']}: went out as {out['key']}")
    for index, o, out in pairs:
        name = name_of(o, index)
        if target != "csv" and o["kind"] and o["kind"] != out["kind"]:
            if target == "bibtex" and o["kind"] in NOT_IN_BIBTEX:
                explained.append(f"{label} -> {target} {name}: BibTeX has no type for a {o['kind']} (went out as a {out['kind'] or 'misc'})")
            elif o["kind"] == "preprint" and out["kind"] in ("webpage", None) or o["kind"] == "webpage" and out["kind"] == "preprint":
                explained.append(f"{label} -> {target} {name}: a {o['kind']} went out as a {out['kind'] or 'misc'} (an arXiv preprint's kind in {target})")
            else:
                failures.append(f"{label} -> {target} {name}: a {out['kind']}, the original a {o['kind']}")
        for field, theirs, ours in differences(o, out, target):
            source = {"csl-json": o.get("family") == "csl-json", "commas": o.get("comma_names", [])}
            why = explanation(o, out, target, field, theirs, ours, source)
            if why:
                explained.append(f"{label} -> {target} {name}: {why}")
            else:
                failures.append(f"{label} -> {target} {name}: {field} {ours!r}, the original {theirs!r}")
    # Entries of a key the file gives more than once: pybtex keeps the first, reader each under a key of its own.
    source_keys = {}
    for key in re.findall(r"@\w+\s*[{(]\s*([^,\s]+)\s*,", source_text):
        source_keys[key.lower()] = source_keys.get(key.lower(), 0) + 1
    repeated = sum(n - 1 for n in source_keys.values())
    keyless = len(re.findall(r"@\w+\s*[{(]\s*,", source_text))
    for r in exported:
        if id(r) in matched:
            continue
        name = r["key"] or repr(r["title"])
        if r["key"] and r["key"].lower() in source_keys:
            explained.append(f"{label} -> {target} {name}: read by reader, not by pybtex (nor bibtex), which stop at a brace they take as unbalanced")
        elif keyless > 0:
            keyless -= 1
            explained.append(f"{label} -> {target} {name}: an entry without a key in the file (`@article{{,`), under the key reader made for it")
        elif repeated > 0:
            repeated -= 1
            explained.append(f"{label} -> {target} {name}: an entry of a key the file gives twice (pybtex keeps the first only), kept under a key of its own")
        else:
            failures.append(f"{label} -> {target} {name}: not in the original")


def check(binary, path, failures, explained):
    label = os.path.basename(path)
    originals, source_text = original(path)
    library = os.path.join(tempfile.mkdtemp(prefix="reader-across-"), "library.sqlite")
    run_reader(binary, library, "import", path)
    source = family_of(path)
    exports = {target: run_reader(binary, library, "export", "--format", target) for target in FORMATS}
    # Entries merged into another: their keys are the other's `ids` in BibLaTeX.
    merged = {alias.lower(): r["key"].lower() for r in read_bibtex(exports["biblatex"]) for alias in r["aliases"]}
    # CSV has no key: its rows are the CSL-JSON export's items, in the same order.
    cited = json.loads(exports["csl-json"])
    for target in FORMATS:
        if target == source or source == "bibtex" and target == "biblatex":
            continue  # its own family: the family validators compare it exactly
        try:
            exported = READERS[target](exports[target])
        except Exception as problem:  # noqa: BLE001 - any refusal is the finding
            failures.append(f"{label} -> {target}: the export cannot be read: {problem}"); continue
        if target == "csv":
            if len(exported) != len(cited):
                failures.append(f"{label} -> csv: {len(exported)} rows, {len(cited)} CSL-JSON items"); continue
            for row, item in zip(exported, cited):
                row["key"] = str(item["id"])
        compare(label, target, originals, exported, failures, explained, source_text, merged)
    return len(originals)


def main():
    binary = sys.argv[1]
    files = [p for p in installed_corpus() if p.endswith(".bib")]
    files += csl_and_ris_corpus() + wos_corpus()
    files += sys.argv[2:]
    failures, explained, total = [], [], 0
    for path in files:
        before, explained_before = len(failures), len(explained)
        try:
            count = check(binary, path, failures, explained)
        except (RuntimeError, ValueError) as problem:
            failures.append(f"{os.path.basename(path)}: {problem}"); continue
        total += count
        targets = ", ".join(t for t in FORMATS if t != family_of(path) and not (family_of(path) == "bibtex" and t == "biblatex"))
        print(f"{os.path.basename(path)}: {count} records to {targets}, {len(failures) - before} differences"
              f" ({len(explained) - explained_before} explained)")
    failures = set_known_apart(failures, explained)
    for reason in explained:
        print("explained: " + reason)
    for failure in failures:
        print(failure)
    print(f"validate_across_formats: {len(explained)} explained; {len(files)} files, {total} records, {len(failures)} differences")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
