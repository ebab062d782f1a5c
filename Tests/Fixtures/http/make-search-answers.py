#!/usr/bin/env python3
"""Writes the arXiv title-search answers (`arxiv-search-<slug>.xml`) that the
title lookup tests are served, in the arXiv API's Atom format, from the real
abstracts of the bundled listing (Examples/trending-papers.txt) and the recorded
entry of 1706.03762, and one Hugging Face papers search answer
(`hf-search-<slug>.json`, the daily papers list's shape). The namesakes and near
misses are made up, and say so; the arXiv ids of the listing's papers are
placeholders where the real one was not at hand.

    python3 Tests/Fixtures/http/make-search-answers.py
"""
import os, re, textwrap
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def listing():
    text = open(os.path.join(ROOT, "Examples/trending-papers.txt"), encoding="utf-8").read()
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    papers = {}
    for title, abstract in zip(paragraphs, paragraphs[1:]):
        if len(abstract) > 300 and len(title) < 250 and "\n" not in title:
            papers[title] = abstract
    return papers


def slug(title):
    words = re.sub(r"[^a-z0-9]+", " ", title.lower()).split()
    return "-".join(words[:6])


def entry(arxiv_id, title, abstract, authors, category, published):
    summary = "\n".join(textwrap.wrap(abstract, 78))
    names = "".join(f"\n    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in authors)
    return f"""  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}</id>
    <updated>{published}T00:00:00Z</updated>
    <published>{published}T00:00:00Z</published>
    <title>{escape(title)}</title>
    <summary>  {escape(summary)}
</summary>{names}
    <link href="http://arxiv.org/abs/{arxiv_id}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{category}" scheme="http://arxiv.org/schemas/atom"/>
    <category term="{category}" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
"""


def feed(query, entries):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: search_query={escape(query)}&amp;id_list=&amp;start=0&amp;max_results=10</title>
  <id>http://arxiv.org/api/search</id>
  <updated>2024-06-01T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(entries)}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">10</opensearch:itemsPerPage>
{"".join(entries)}</feed>
"""


def write(title, entries):
    path = os.path.join(HERE, f"arxiv-search-{slug(title)}.xml")
    open(path, "w", encoding="utf-8").write(feed(f'ti:"{title}"', entries))
    print(path)


papers = listing()
krylov = "Accelerating Data Generation for Neural Operators via Krylov Subspace Recycling"
refiner = "Spectral-Refiner: Fine-Tuning of Accurate Spatiotemporal Neural Operator for Turbulent Flows"
gaussian = "Solving High Frequency and Multi-Scale PDEs with Gaussian Processes"

# Found: the paper itself, after a paper whose title shares words with it.
write(krylov, [
    entry("2402.05957v1", "Accelerating PDE Data Generation via Differential Operator Action in Solution Space",
          "A made-up neighbour for the tests: a method that generates training data for neural operators "
          "by applying differential operators to a few solved problems, faster than solving each system.",
          ["A. Neighbour"], "cs.LG", "2024-02-05"),
    entry("2401.09516v2", krylov, papers[krylov],
          ["Hong Wang", "Zhongkai Hao", "Jie Wang", "Zijie Geng", "Zhen Wang", "Bin Li", "Feng Wu"], "cs.LG", "2024-01-17"),
])
# A near miss: the same title with another abstract (made up: another paper's abstract).
write(refiner, [entry("2405.17211v1", refiner, papers[gaussian], ["A. Namesake"], "cs.LG", "2024-05-27")])
# Two papers with the same title: the recorded 1706.03762 and a made-up namesake.
recorded = open(os.path.join(HERE, "arxiv-1706.03762.xml"), encoding="utf-8").read()
transformer = recorded[recorded.index("  <entry>"):recorded.rindex("</entry>") + len("</entry>")] + "\n"
write("Attention Is All You Need", [
    entry("2407.00001v1", "Attention Is All You Need",
          "A made-up namesake for the tests: in recommender systems, the attention of users is the scarce "
          "resource; we model how feeds compete for it and show that ranking by predicted dwell time "
          "wastes most of it, with a field study of two million sessions.",
          ["A. Namesake"], "cs.IR", "2024-07-01"),
    transformer,
])

# Found on Hugging Face only (arXiv's search has no answer for it here).
import json
hf = [{"paper": {"id": "2311.04465", "title": gaussian, "summary": papers[gaussian],
                 "authors": [{"name": "Shikai Fang"}, {"name": "Madison Cooley"}],
                 "publishedAt": "2023-11-08T00:00:00.000Z"}, "title": gaussian}]
path = os.path.join(HERE, f"hf-search-{slug(gaussian)}.json")
open(path, "w", encoding="utf-8").write(json.dumps(hf, indent=1, ensure_ascii=False) + "\n")
print(path)
