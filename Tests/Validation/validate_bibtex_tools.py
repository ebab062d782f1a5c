#!/usr/bin/env python3
"""bibtex and biber read reader's BibTeX and BibLaTeX exports as they read the originals.

For each test bibliography (Tests/Fixtures/{names,latex,types,refs}.bib, the real
bibliographies TeX Live installs: xampl.bib, and with READER_CORPUS=all
biblatex-examples.bib and tugboat.bib where installed; and any further .bib files given): import it into a fresh library with the built reader,
export it as BibTeX and as BibLaTeX, then

1. run bibtex with plain.bst on the original and on the BibTeX export (an .aux that
   cites every entry): both finish, and every entry renders the same (its \\bibitem
   block, white space aside: title, authors, year and the rest), except an entry
   that uses crossref or xdata, which reader resolves (the export holds what it
   inherited), and @xdata entries, which are not works;
2. run `biber --tool` on the original and on the BibLaTeX export: both finish
   without errors, biber reads every author and editor of the export as the
   original's (the name lists it writes back are the same), and the export takes no
   longer than 1.5x the original per entry biber reads plus 2 s (biber's own start-up
   is about a second; not timed where biber fails on the original);
3. where pdflatex and biblatex are installed (texlive-latex-recommended and
   texlive-bibtex-extra; `.ci/run` installs them), typeset a document citing every
   entry (pdflatex, biber, pdflatex, pdflatex) on the original and on the BibLaTeX
   export: the export makes a PDF whenever the original does, with no more LaTeX or
   biber errors, in no more than 1.5x the original's time plus 2 s (on files of at
   most READER_LATEX_MAX_ENTRIES entries, 1,000 unless set; 0: every file; a time
   over the bound is measured once more, both runs again, and the faster kept, as
   the machine is shared).

Exit status 1 lists every difference. Usage: validate_bibtex_tools.py PATH/TO/reader [FILE.bib ...]
"""
import concurrent.futures, os, re, shutil, subprocess, sys, tempfile, time, unicodedata

from corpus import installed_corpus, set_known_apart

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = ["names.bib", "latex.bib", "types.bib", "refs.bib"]


def reader(binary, library, *args):
    env = dict(os.environ, READER_LIBRARY=library, NO_COLOR="1")
    result = subprocess.run([binary, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"reader {' '.join(args)} failed: {result.stderr}")


def words(block):
    """The words plain.bst printed, case, braces and markup aside."""
    return set(re.findall(r"[^\W\d_]+|\d+", re.sub(r"\\[A-Za-z]+", " ", block).lower()))


def rendered(block):
    """The authors (or editors), title and year of a plain.bst block, white space,
    braces, emphasis and case aside."""
    parts = [re.sub(r"[{}]|\\em\b|\\newblock", "", part).strip(" .,").lower() for part in block.split("\\newblock")]
    # plain.bst puts a @misc's date after its title: `Title, March 1996.`
    parts = [re.sub(r",\s*(\w+\s+)?\d{4}$", "", part) for part in parts]
    year = re.search(r"(?:^|[ ,~])(\d{4})\.?$", block.strip())  # plain.bst ends an entry with its year
    year = year.group(1) if year else None
    if len(parts) == 1:
        return ("", parts[0], year)
    return (parts[0], parts[1], year)


def bibtex(folder, name, partial=False):
    """The \\bibitem blocks plain.bst makes of NAME.bib, by key (with `partial`,
    those it made before an error)."""
    with open(os.path.join(folder, name + ".aux"), "w") as aux:
        aux.write("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{%s}\n" % name)
    result = subprocess.run(["bibtex", "-terse", name], cwd=folder, capture_output=True, text=True, timeout=120)
    if result.returncode > 1 and not partial:  # 1: warnings only
        return None, result.stdout + result.stderr
    if not os.path.exists(os.path.join(folder, name + ".bbl")):
        return {}, result.stdout + result.stderr
    with open(os.path.join(folder, name + ".bbl"), encoding="utf-8", errors="replace") as bbl:
        text = unicodedata.normalize("NFC", " ".join(bbl.read().split()))
    blocks = {}
    for block in text.split("\\bibitem")[1:]:
        match = re.match(r"(?:\[[^\]]*\])?\{([^}]*)\}(.*)", block)
        if match:
            blocks[match.group(1)] = match.group(2).replace("\\end{thebibliography}", "").strip()
    return blocks, ""


def biber_names(folder, name):
    """The name lists `biber --tool` wrote for NAME, by key and field: biber's own
    reading of each name, written back in its `von Last, Jr, First` form."""
    names = {}
    key = None
    with open(os.path.join(folder, name + ".out"), encoding="utf-8") as out:
        for line in out:
            entry = re.match(r"@\w+\{(.*),$", line.strip(), re.I)
            if entry:
                key = entry.group(1)
                continue
            field = re.match(r"\s*(author|editor)\s*=\s*\{(.*)\},?$", line, re.I)
            if field and key:
                names[(key, field.group(1))] = unicodedata.normalize("NFC", field.group(2))
    return names


def biber_entries(folder, name):
    """How many entries `biber --tool` wrote for NAME (none when it failed)."""
    try:
        with open(os.path.join(folder, name + ".out"), encoding="utf-8") as out:
            return sum(1 for line in out if re.match(r"@\w+\{", line))
    except OSError:
        return 0


def biber(folder, name):
    started = time.monotonic()
    result = subprocess.run(["biber", "--tool", "--output-fieldcase=lower", "--output-file", name + ".out", name], cwd=folder,
                            capture_output=True, text=True, timeout=600)
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    return time.monotonic() - started, result.returncode, errors




DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[backend=%s]{biblatex}
\addbibresource{%s}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


def latex_run(folder, bib, backend="biber"):
    """A whole document run on BIB, as an author runs it: pdflatex, biber,
    pdflatex, pdflatex, citing every entry. Returns (seconds, whether a PDF was
    made, the LaTeX errors of the last pass, biber's ERROR lines)."""
    name = "doc-" + os.path.splitext(bib)[0]
    with open(os.path.join(folder, name + ".tex"), "w") as tex:
        tex.write(DOCUMENT % (backend, bib))
    started = time.monotonic()
    biber_errors = []
    for step in ["pdflatex", "biber", "pdflatex", "pdflatex"]:
        command = ["pdflatex", "-interaction=nonstopmode", name] if step == "pdflatex" else ["biber", name]
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, errors="replace", timeout=900)
        if step == "biber":
            biber_errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    seconds = time.monotonic() - started
    with open(os.path.join(folder, name + ".log"), encoding="utf-8", errors="replace") as log:
        errors = [line for line in log.read().splitlines() if line.startswith("!")]
    return seconds, os.path.exists(os.path.join(folder, name + ".pdf")), errors, biber_errors


def check(binary, path):
    """Runs every check on one file; returns (failures, explained, report lines)."""
    failures, explained, report = [], [], []
    print = report.append  # noqa: A001 - the lines are printed together, in file order
    while True:
        folder = tempfile.mkdtemp(prefix="reader-bibtex-tools-")
        library = os.path.join(folder, "library.sqlite")
        shutil.copy(path, os.path.join(folder, "original.bib"))
        reader(binary, library, "import", path)
        reader(binary, library, "export", "--format", "bibtex", "-o", os.path.join(folder, "export.bib"))
        reader(binary, library, "export", "--format", "biblatex", "-o", os.path.join(folder, "exportlatex.bib"))
        label = os.path.basename(path)
        # Keys merged into another paper (a shared DOI or arXiv id): its BibLaTeX `ids`.
        with open(os.path.join(folder, "exportlatex.bib"), encoding="utf-8") as f:
            merged = {}
            for chunk in f.read().split("\n@"):
                key, ids = re.match(r"@?\w+\{([^,\n]*),", chunk), re.search(r"\n\s*ids = \{([^}]*)\}", chunk)
                if key and ids:
                    merged.update({alias.strip().lower(): key.group(1) for alias in ids.group(1).split(",")})

        original, problem = bibtex(folder, "original")
        if original is None:
            # bibtex stops with an error on some real files (a key-less entry, an
            # unbalanced brace): what it rendered is compared, and the export must run.
            explained.append(f"{label}: bibtex reports errors on the original: {problem.strip().splitlines()[0] if problem.strip() else ''}")
            original, _ = bibtex(folder, "original", partial=True)
        exported, problem = bibtex(folder, "export")
        if exported is None:
            if explained and explained[-1].startswith(f"{label}: bibtex reports errors on the original"):
                # The original fails too: what bibtex rendered of each is compared.
                explained.append(f"{label}: bibtex reports errors on the export too: {problem.strip().splitlines()[-1] if problem.strip() else ''}")
                exported, _ = bibtex(folder, "export", partial=True)
            else:
                failures.append(f"{label}: bibtex fails on the export: {problem}"); break
        with open(path, encoding="utf-8", errors="replace") as f:
            source = f.read()
        resolved = {k for k in original if re.search(r"@\w+\s*\{\s*" + re.escape(k) + r"\s*,[^@]*\b(crossref|xdata)\s*=", source, re.I)}
        data = {k for k in original if re.search(r"@(xdata|set)\s*\{\s*" + re.escape(k) + r"\s*,", source, re.I)}
        compared = 0
        for key, block in original.items():
            if key in resolved or key in data:
                continue
            compared += 1
            got = exported.get(key)
            if got is None and key.lower() in merged:
                explained.append(f"{label} {key}: merged into {merged[key.lower()]} (the same DOI or arXiv id)")
                continue
            if got == block:
                continue
            # Item 6: the same title, authors and year. Beyond them, plain.bst prints
            # what the BibTeX export says in BibTeX's terms where the original used
            # BibLaTeX's (location as address, journaltitle as journal, date as year):
            # every word of the original's block is in the export's, and its year.
            if got is not None and rendered(block)[2] in (None, rendered(got)[2]) \
                    and (rendered(got)[:2] == rendered(block)[:2] or words(block) <= words(got)):
                explained.append(f"{label} {key}: plain.bst prints more of the export (BibLaTeX's fields in BibTeX's names): {got!r}, the original {block!r}")
                continue
            theirs = rendered(block)[1]
            starts = [part for part in (rendered(got)[:2] if got is not None else []) if part and (part.startswith(theirs) or theirs.startswith(part))]
            if got is not None and rendered(block)[0] == "" and theirs and starts:
                explained.append(f"{label} {key}: plain.bst printed the original's title alone (a type it does not know); the export's type prints its editors too: {got!r}")
                continue
            failures.append(f"{label} {key}: bibtex renders the export as {got!r}, the original as {block!r}")

        name_lists = 0
        seconds_original, status, errors = biber(folder, "original.bib")
        seconds_export, status_export, errors_export = biber(folder, "exportlatex.bib")
        if status != 0 or errors:
            explained.append(f"{label}: biber reports errors on the original ({status}): {errors[:3]}")
        if len(errors_export) > len(errors) or (status_export != 0 and status == 0):
            failures.append(f"{label}: biber fails on the BibLaTeX export ({status_export}): {errors_export}")
        # biber reads every name of the export as it reads the original's.
        if status == 0 and status_export == 0:
            theirs, ours = biber_names(folder, "original.bib"), biber_names(folder, "exportlatex.bib")
            name_lists = len(theirs)
            if name_lists == 0 and re.search(r"\bauthor\s*=", source, re.I):
                failures.append(f"{label}: no name list found in biber's output")
            for (key, field), written in theirs.items():
                if key in resolved or key in data or key.lower() in merged:
                    continue
                if ours.get((key, field)) is None and sum(1 for k in {k for (k, _) in theirs} if k.lower() == key.lower()) > 1:
                    explained.append(f"{label} {key}: the file has this key twice, case aside (bibtex tells keys apart without case, and so does reader: the second work has a key of its own)")
                    continue
                if ours.get((key, field)) != written:
                    failures.append(f"{label} {key}: biber reads the export's {field} as {ours.get((key, field))!r}, the original's as {written!r}")
        # Timed per entry biber reads: reader keeps entries biber never reaches in the
        # original (after a brace `Thi\{'ebaux` leaves open), and its export holds them.
        # Where biber fails on the original, it reads part of it: not timed.
        readable = status == 0 and not errors
        scale = max(1.0, biber_entries(folder, "exportlatex.bib") / max(1, biber_entries(folder, "original.bib")))
        if readable and seconds_export > 1.5 * seconds_original * scale + 2:
            seconds_original = min(seconds_original, biber(folder, "original.bib")[0])
            seconds_export = min(seconds_export, biber(folder, "exportlatex.bib")[0])
        if readable and seconds_export > 1.5 * seconds_original * scale + 2:
            failures.append(f"{label}: biber takes {seconds_export:.2f} s on the export, {seconds_original:.2f} s on the original")
        elif not readable:
            explained.append(f"{label}: biber's time is not compared: it fails on the original ({seconds_original:.2f} s), "
                             f"and on the export takes {seconds_export:.2f} s")
        # 3. The whole document: pdflatex and biber on the original and on the BibLaTeX export.
        # (Files of more than READER_LATEX_MAX_ENTRIES entries, 1,000 by default, are
        # left to a run that asks for them: tugboat.bib and the 7,166-entry library take
        # minutes each; docs/interop.md has their figures.)
        limit = int(os.environ.get("READER_LATEX_MAX_ENTRIES", "1000") or 0)
        if shutil.which("pdflatex") and os.environ.get("READER_LATEX_RUN", "1") != "0" and (limit == 0 or len(original) <= limit):
            doc_original = latex_run(folder, "original.bib")
            doc_export = latex_run(folder, "exportlatex.bib")
            if doc_original[3]:
                # biber could not read the original (a syntax error it stops at): its
                # document holds no entry, so errors and time are not comparable.
                explained.append(f"{label}: biber cannot read the original for the document ({doc_original[3][:1]}); the export's document has {len(doc_export[2])} LaTeX errors")
            elif doc_original[1] and not doc_export[1]:
                failures.append(f"{label}: pdflatex makes no PDF of the export: {doc_export[2][:5]}")
            if not doc_original[3] and len(doc_export[2]) > len(doc_original[2]):
                failures.append(f"{label}: pdflatex reports {len(doc_export[2])} errors on the export, {len(doc_original[2])} on the original: {doc_export[2][:5]}")
            if len(doc_export[3]) > len(doc_original[3]):
                failures.append(f"{label}: biber reports errors on the export the original has not: {doc_export[3][:5]}")
            if not doc_original[3] and doc_export[0] > 1.5 * doc_original[0] + 2:
                # Once more, both, keeping the faster of each: the machine is shared.
                doc_original = (min(doc_original[0], latex_run(folder, "original.bib")[0]),) + doc_original[1:]
                doc_export = (min(doc_export[0], latex_run(folder, "exportlatex.bib")[0]),) + doc_export[1:]
            if not doc_original[3] and doc_export[0] > 1.5 * doc_original[0] + 2:
                failures.append(f"{label}: pdflatex and biber take {doc_export[0]:.2f} s on the export, {doc_original[0]:.2f} s on the original")
            print(f"{label}: pdflatex + biber + pdflatex x2 in {doc_original[0]:.2f} s on the original, {doc_export[0]:.2f} s on the export")
        print(f"{label}: bibtex rendered {compared} entries alike ({len(resolved)} resolved crossref/xdata entries left out); "
              f"biber read {name_lists} name lists alike, in {seconds_original:.2f} s on the original, {seconds_export:.2f} s on the export")

        break
    return failures, explained, report


def main():
    binary = sys.argv[1]
    files = [os.path.join(ROOT, "Tests/Fixtures", name) for name in FIXTURES] + installed_corpus() + sys.argv[2:]
    for tool in ["bibtex", "biber"]:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (Debian: texlive-binaries texlive-base biber)")
    failures, explained = [], []
    # Files in parallel (their tools are subprocesses); reports in file order.
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for found, reasons, report in pool.map(lambda path: check(binary, path), files):
            for line in report:
                print(line)
            failures += found
            explained += reasons
    failures = set_known_apart(failures, explained)
    for reason in explained:
        print("explained: " + reason)
    for failure in failures:
        print(failure)
    print(f"validate_bibtex_tools: {len(explained)} explained; {len(files)} files, {len(failures)} differences")
    sys.exit(1 if failures else 0)


main()
