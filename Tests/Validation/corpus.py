"""The real bibliographies the validators read besides Tests/Fixtures: those TeX Live
installs (found with `kpsewhich`), so that their licences need not be copied here.

By default only xampl.bib (texlive-base, which `.ci/run` installs), so that the tests
read the same files on every machine; `READER_CORPUS=all` adds biblatex-examples.bib
and tugboat.bib where their packages (texlive-bibtex-extra) are installed: not yet
passing, see docs/interop.md."""
import os
import subprocess


def installed_corpus():
    """The paths found of the corpus files asked for."""
    names = ["xampl.bib"]
    if os.environ.get("READER_CORPUS") == "all":
        names += ["biblatex-examples.bib", "tugboat.bib"]
    found = []
    for name in names:
        try:
            path = subprocess.run(["kpsewhich", name], capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            path = ""
        if path:
            found.append(path)
    return found
