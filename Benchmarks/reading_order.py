#!/usr/bin/env python3
"""How well each PDF text extractor keeps the reading order of a two-column paper.

    python3 Benchmarks/reading_order.py Tests/Fixtures/files/two-column.tex Tests/Fixtures/files/two-column.pdf

Compares the words each tool extracts with the words of the LaTeX source, in order:
the share of the source's consecutive word pairs that the extracted text also has
next to each other. A tool that reads across both columns line by line breaks
almost every pair at each line end; one that reads column 1, then column 2, keeps
them. Prints one line per tool.
"""
import re, subprocess, sys

tex, pdf = sys.argv[1], sys.argv[2]
source = open(tex, encoding="utf-8").read()
body = source[source.index("\\maketitle"):]
body = re.sub(r"\\[a-zA-Z]+(\{[^}]*\})?", " ", body)
words = re.findall(r"[a-z]+", body.lower())
pairs = set(zip(words, words[1:]))

tools = {
    "pdftotext": ["pdftotext", "-enc", "UTF-8", pdf, "-"],
    "pdftotext -layout": ["pdftotext", "-layout", "-enc", "UTF-8", pdf, "-"],
    "mutool draw -F txt": ["mutool", "draw", "-q", "-F", "txt", "-o", "-", pdf],
}
for name, command in tools.items():
    try:
        text = subprocess.run(command, capture_output=True, check=True, timeout=60).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"{name}: not run ({error})")
        continue
    got = re.findall(r"[a-z]+", text.lower())
    kept = sum(1 for pair in zip(got, got[1:]) if pair in pairs)
    print(f"{name}: {kept / max(1, len(got) - 1):.3f} of its word pairs are the source's ({len(got)} words)")
