"""The real bibliographies the validators read besides Tests/Fixtures.

By default only TeX Live's xampl.bib (texlive-base), so that the quick test run
reads the same files on every machine. `READER_CORPUS=all` (the slow "Real-world
corpus" suite, and CI) adds Better BibTeX's import fixtures, which are users' real
Zotero, JabRef, Mendeley, EndNote and Calibre libraries (MIT, committed in
Tests/Fixtures/corpus/better-bibtex), the machine-learning bibliography of the book
Dive into Deep Learning (CC BY-SA 4.0, Tests/Fixtures/corpus/d2l), and TeX Live's
biblatex-examples.bib and
tugboat.bib where texlive-bibtex-extra is installed (found with `kpsewhich`, so
that their licences need not be copied here)."""
import glob
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def installed_corpus():
    """The paths of the corpus files asked for."""
    names = ["xampl.bib"]
    everything = os.environ.get("READER_CORPUS") == "all"
    if everything:
        names += ["biblatex-examples.bib", "tugboat.bib"]
    found = []
    for name in names:
        try:
            path = subprocess.run(["kpsewhich", name], capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            path = ""
        if path:
            found.append(path)
    if everything:
        found += sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/corpus/better-bibtex/*.bib")))
        found += sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/corpus/d2l/*.bib")))
    return found


def csl_and_ris_corpus():
    """Manubot's CSL-JSON (Crossref, DataCite, PubMed, greycite), rispy's RIS,
    JabRef's RIS (Scopus, ScienceDirect, PubMed Central, Cell Press exports) and
    citation-js's Zotero RIS, committed with their licences in Tests/Fixtures/corpus."""
    folder = os.path.join(ROOT, "Tests/Fixtures/corpus")
    return (sorted(glob.glob(os.path.join(folder, "manubot", "*.json"))) + sorted(glob.glob(os.path.join(folder, "rispy", "*.ris")))
            + sorted(glob.glob(os.path.join(folder, "jabref", "*.ris")))
            + sorted(glob.glob(os.path.join(folder, "citation-js", "*.ris"))))


def wos_corpus():
    """Web of Science's tagged export (rispy's test data, `example_wos.txt`): read by
    wostools, not a RIS reader."""
    folder = os.path.join(ROOT, "Tests/Fixtures/corpus")
    return sorted(glob.glob(os.path.join(folder, "rispy", "*.txt")))


def known_differences():
    """Differences found and not yet fixed (Tests/Validation/known_differences.tsv:
    file, key or `-`, reason), listed in docs/interop.md; any other fails."""
    known = {}
    with open(os.path.join(ROOT, "Tests/Validation/known_differences.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                file, key, reason = line.rstrip("\n").split("\t")
                known[(file, key)] = reason
    return known


def set_known_apart(failures, explained):
    """The failures that are not known differences; known ones go to `explained`."""
    known = known_differences()
    remaining = []
    for failure in failures:
        reason = next((why for (file, key), why in known.items()
                       if failure.startswith(file) and failure[len(file):len(file) + 1] in (" ", ":")
                       and (key == "-" or f" {key}:" in failure[len(file):len(file) + len(key) + 40])), None)
        if reason:
            explained.append(f"{failure[:300]} (known, not yet fixed: {reason})")
        else:
            remaining.append(failure)
    return remaining


def run_reader(binary, library, *args):
    """The built reader's output for `args` on `library`; RuntimeError with its
    message when it fails."""
    env = dict(os.environ, READER_LIBRARY=library, NO_COLOR="1")
    result = subprocess.run([binary, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"reader {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout
