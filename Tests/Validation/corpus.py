"""The real bibliographies the validators read besides Tests/Fixtures: those TeX Live
installs (found with `kpsewhich`), so that their licences need not be copied here."""
import subprocess


def installed_corpus():
    """xampl.bib (texlive-base), and biblatex-examples.bib and tugboat.bib where their
    packages are installed: the paths found."""
    found = []
    for name in ["xampl.bib", "biblatex-examples.bib", "tugboat.bib"]:
        try:
            path = subprocess.run(["kpsewhich", name], capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            path = ""
        if path:
            found.append(path)
    return found
