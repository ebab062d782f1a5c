"""The real bibliographies the validators read besides Tests/Fixtures.

By default only TeX Live's xampl.bib (texlive-base), so that the quick test run
reads the same files on every machine. `READER_CORPUS=all` (the slow "Real-world
corpus" suite, and CI) adds Better BibTeX's import fixtures, which are users' real
Zotero, JabRef, Mendeley, EndNote and Calibre libraries (MIT, committed in
Tests/Fixtures/corpus/better-bibtex), and TeX Live's biblatex-examples.bib and
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
    return found
