#!/usr/bin/env python3
"""Benchmarks of papers' files (issue 13, item 10), each in one run with its baseline.

    swift build -c release
    python3 Benchmarks/files_bench.py .build/release/reader [--rounds 5] [--search-papers 100000] [--texts 2000]
        [--only fetch,extract,search] [--baseline OTHER/reader]

1. fetch: 50 PDFs (1 MiB each) served by Python's http.server on 127.0.0.1, fetched
   by `reader fetch --jobs 3` into a fresh library, against `curl --parallel
   --parallel-max 3` writing the same files, and against the same curl followed by
   `sha256sum` and `sync` of the files (what reader's store also does: every file
   hashed and on disk before it is named); rounds interleaved, medians, throughput
   in MiB/s. reader is timed twice: without reading the PDFs' text
   (READER_PDF_TEXT=none: the transfer, hashing and storing) and as it runs by default.
2. extract: 100 twenty-page PDFs, `reader attach` of each (a process each: copy,
   hash, pdftotext, index) against `pdftotext` of each alone.
3. search: a library of N generated papers (reader-bench's generator, via `reader-bench
   library --keep`) with T twenty-page texts attached; `reader search` per process for a
   word in 1% of the texts only, and for a word of the metadata; library growth per text.

Needs pdflatex (TeX Live) to make the PDFs, pdftotext and curl.
"""
import json, os, random, shutil, statistics, subprocess, sys, tempfile, threading, time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from functools import partial

args = sys.argv[1:]
reader = os.path.abspath(args[0])
def option(name, default):
    return type(default)(args[args.index(name) + 1]) if name in args else default
rounds = option("--rounds", 5)
search_papers = option("--search-papers", 100000)
texts = option("--texts", 2000)
only = option("--only", "fetch,extract,search").split(",")
# Another build of reader (say, the commit before a change), timed in the same rounds.
baseline = os.path.abspath(option("--baseline", "")) if "--baseline" in args else None
work = tempfile.mkdtemp(prefix="reader-files-bench-")
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make_pdf(name, pages, rare, seed):
    """A two-column paper of pseudo-words, `pages` pages, `rare` on its last page only."""
    rng = random.Random(seed)
    syll = "ka lo mi nu re sa ti vo pe da ge hu ri zo ba ne fu li mo ta".split()
    vocab = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(600)})
    sections = []
    for part in range(1, pages * 2 + 1):
        body = "\n\n".join(" ".join(rng.choice(vocab) for _ in range(80)).capitalize() + "." for _ in range(4))
        sections.append(f"\\section{{Part {part}}}\n{body}")
    sections[-1] += f"\n\nThe {rare} estimate closes it."
    tex = ("\\documentclass[twocolumn,10pt]{article}\n\\usepackage[margin=2cm]{geometry}\n\\begin{document}\n"
           + "\n".join(sections) + "\n\\end{document}\n")
    folder = os.path.join(work, "tex")
    os.makedirs(folder, exist_ok=True)
    open(os.path.join(folder, name + ".tex"), "w").write(tex)
    subprocess.run(["pdflatex", "-interaction=batchmode", name + ".tex"], cwd=folder, capture_output=True, check=False)
    return open(os.path.join(folder, name + ".pdf"), "rb").read()


def variant(pdf, index, size=None):
    """The same PDF with a distinct comment after its end (other bytes, other hash), padded
    to `size` with random bytes; the last `startxref` and `%%EOF` stay last, so that PDF
    readers find the cross-reference table where it was."""
    tail = pdf[pdf.rindex(b"startxref"):]
    padding = b""
    if size and size > len(pdf):
        padding = os.urandom(size - len(pdf) - len(tail) - 64)
        padding = b"\n%" + padding.replace(b"\n", b" ").replace(b"\r", b" ")
    return pdf + f"\n% variant {index}".encode() + padding + b"\n" + tail


def run(command, env=None, quiet=True):
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=quiet)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} failed: {result.stderr.decode()[-500:] if result.stderr else ''}")
    return time.perf_counter() - start


def serve(folder):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=folder))
    server.RequestHandlerClass.log_message = lambda *a: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def ris(entries):
    return "".join(f"TY  - JOUR\nTI  - {title}\nAU  - Bench, A.\n" + (f"L1  - {link}\n" if link else "") + "ER  - \n" for title, link in entries)


def env(**extra):
    e = dict(os.environ)
    e.pop("READER_LIBRARY", None)
    e.update(extra)
    return e


head = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
print(f"# files benchmark, {head}, {os.cpu_count()} cores, {rounds} rounds, medians\n")
base20 = make_pdf("base20", 20, "zymurgical", 1)
print(f"twenty-page PDF: {len(base20)} bytes\n")

if "fetch" in only:
    folder = os.path.join(work, "served")
    os.makedirs(folder)
    total = 0
    for i in range(50):
        data = variant(base20, i, size=1 << 20)
        open(os.path.join(folder, f"p{i}.pdf"), "wb").write(data)
        total += len(data)
    server = serve(folder)
    port = server.server_address[1]
    urls = [f"http://127.0.0.1:{port}/p{i}.pdf" for i in range(50)]
    times = {"curl": [], "curl, then sha256sum and sync of the files": [], "reader (no text)": [], "reader": []}
    for r in range(rounds):
        for name in ("curl", "curl, then sha256sum and sync of the files"):
            out = os.path.join(work, f"curl-{r}")
            os.makedirs(out)
            command = ["curl", "-s", "-f", "--parallel", "--parallel-max", "3"]
            files = [os.path.join(out, f"p{i}.pdf") for i in range(len(urls))]
            for path, url in zip(files, urls):
                command += ["-o", path, url]
            if name == "curl":
                times[name].append(run(command))
            else:
                # The same guarantees as reader's store, done after the transfer:
                # every file hashed, and flushed to disk with its folder.
                times[name].append(run(command) + run(["sha256sum"] + files) + run(["sync"] + files + [out]))
            shutil.rmtree(out)
        runs = [("reader (no text)", reader, {"READER_PDF_TEXT": "none"}), ("reader", reader, {})]
        if baseline:
            runs.insert(0, ("baseline reader (no text)", baseline, {"READER_PDF_TEXT": "none"}))
        for name, binary, extra in runs:
            times.setdefault(name, [])
            library = os.path.join(work, f"fetch-{r}-{len(times[name])}.sqlite")
            listing = os.path.join(work, "links.ris")
            open(listing, "w").write(ris([(f"Bench paper {i}", url) for i, url in enumerate(urls)]))
            run([binary, "import", listing, "--library", library])
            times[name].append(run([binary, "fetch", "has:pdf", "--jobs", "3", "--quiet", "--library", library], env=env(**extra)))
            shutil.rmtree(library + ".files", ignore_errors=True)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(library + suffix):
                    os.remove(library + suffix)
    server.shutdown()
    mib = total / (1 << 20)
    print(f"## fetch: 50 PDFs, {mib:.1f} MiB, 3 at once\n")
    print("| | median | throughput | against curl |\n|---|---:|---:|---:|")
    curl = statistics.median(times["curl"])
    for name, values in times.items():
        m = statistics.median(values)
        print(f"| {name} | {m:.2f} s | {mib / m:.1f} MiB/s | {curl / m:.2f}x |")
    print()

if "extract" in only:
    folder = os.path.join(work, "extract")
    os.makedirs(folder)
    files = []
    for i in range(100):
        path = os.path.join(folder, f"e{i}.pdf")
        open(path, "wb").write(variant(base20, 1000 + i))
        files.append(path)
    pdftotext, attach, bare = [], [], []
    for r in range(rounds):
        start = time.perf_counter()
        for path in files:
            subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", "-l", "100", path, path + ".txt"], check=True)
        pdftotext.append(time.perf_counter() - start)
        library = os.path.join(work, f"extract-{r}.sqlite")
        listing = os.path.join(work, "titles.ris")
        open(listing, "w").write(ris([(f"Extract paper {i}", None) for i in range(100)]))
        run([reader, "import", listing, "--library", library])
        ids = [p["id"][:12] for p in json.loads(subprocess.run([reader, "list", "--limit", "1000", "--json", "--library", library], capture_output=True, text=True).stdout)]
        start = time.perf_counter()
        for paper, path in zip(ids, files):
            subprocess.run([reader, "attach", paper, path, "--library", library], check=True, capture_output=True)
        attach.append(time.perf_counter() - start)
        pages = subprocess.run(["sqlite3", library, "SELECT count(*) FROM file_page"], capture_output=True, text=True).stdout.strip()
        shutil.rmtree(library + ".files", ignore_errors=True)
        # The same attaches without reading the text: what attach costs besides extraction and indexing.
        library = os.path.join(work, f"bare-{r}.sqlite")
        run([reader, "import", listing, "--library", library])
        ids = [p["id"][:12] for p in json.loads(subprocess.run([reader, "list", "--limit", "1000", "--json", "--library", library], capture_output=True, text=True).stdout)]
        start = time.perf_counter()
        for paper, path in zip(ids, files):
            subprocess.run([reader, "attach", paper, path, "--library", library], check=True, capture_output=True, env=env(READER_PDF_TEXT="none"))
        bare.append(time.perf_counter() - start)
        shutil.rmtree(library + ".files", ignore_errors=True)
    p, a, b = statistics.median(pdftotext), statistics.median(attach), statistics.median(bare)
    print("## extract and index: 100 twenty-page PDFs, one process each\n")
    print("| | median | per file | against pdftotext |\n|---|---:|---:|---:|")
    print(f"| pdftotext alone | {p:.2f} s | {p * 10:.1f} ms | 1.00x |")
    print(f"| reader attach (start, copy, hash, store, pdftotext, index) | {a:.2f} s | {a * 10:.1f} ms | {a / p:.2f}x |")
    print(f"| reader attach without the text (READER_PDF_TEXT=none) | {b:.2f} s | {b * 10:.1f} ms | |")
    print(f"| extraction and indexing inside reader (the difference) | {a - b:.2f} s | {(a - b) * 10:.1f} ms | {(a - b) / p:.2f}x |")
    print(f"\n(pages indexed in the last round: {pages})\n")

if "search" in only:
    bench = os.path.join(os.path.dirname(reader), "reader-bench")
    folder = os.path.join(work, "search")
    subprocess.run([bench, "library", "--sizes", str(search_papers), "--runs", "1", "--import-runs", "1", "--reader", reader,
                    "--work", folder, "--keep"], cwd=repo, check=True, capture_output=True)
    library = os.path.join(folder, f"lib-{search_papers}-0.sqlite")
    subprocess.run(["sqlite3", library, "PRAGMA wal_checkpoint(TRUNCATE)"], capture_output=True)
    before = os.path.getsize(library)
    bases = [make_pdf(f"rare{k}", 20, f"zymurgy{chr(97 + k)}", 100 + k) for k in range(20)]
    ids = [p["id"][:12] for p in json.loads(subprocess.run([reader, "list", "--limit", str(texts), "--sort", "added", "--json", "--library", library], capture_output=True, text=True).stdout)]
    start = time.perf_counter()
    for i, paper in enumerate(ids[:texts]):
        path = os.path.join(work, "attach.pdf")
        open(path, "wb").write(variant(bases[i % 20], 5000 + i))
        subprocess.run([reader, "attach", paper, path, "--library", library], check=True, capture_output=True)
    attached = time.perf_counter() - start
    subprocess.run(["sqlite3", library, "PRAGMA wal_checkpoint(TRUNCATE)"], capture_output=True)
    after = os.path.getsize(library)
    results = {}
    for word in ("zymurgya", "krylov"):
        samples = []
        for _ in range(max(rounds * 6, 30)):
            samples.append(run([reader, "search", word, "--library", library]))
        hits = subprocess.run([reader, "search", word, "--limit", "20", "--json", "--library", library], capture_output=True, text=True).stdout
        results[word] = (statistics.median(samples), len(json.loads(hits)))
    print(f"## search at {search_papers:,} papers with {texts:,} twenty-page texts\n")
    print(f"attaching the {texts:,} PDFs: {attached:.0f} s")
    print(f"library: {before / 1e6:.1f} MB before, {after / 1e6:.1f} MB after: {(after - before) / texts / 1024:.1f} KiB per indexed paper "
          f"({len(base20) / 1024:.0f} KiB PDF, 20 pages)\n")
    print("| query | per process (median) | hits shown |\n|---|---:|---:|")
    print(f"| `search zymurgya` (a word in 100 of the texts, 5%, in no metadata) | {results['zymurgya'][0] * 1000:.1f} ms | {results['zymurgya'][1]} |")
    print(f"| `search krylov` (a word of about 1% of the papers' metadata) | {results['krylov'][0] * 1000:.1f} ms | {results['krylov'][1]} |")

shutil.rmtree(work, ignore_errors=True)
