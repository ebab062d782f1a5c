#!/usr/bin/env python3
"""Benchmarks of papers' files (issue 13, item 10), each in one run with its baseline.

    swift build -c release
    python3 Benchmarks/files_bench.py .build/release/reader [--rounds 5] [--search-papers 100000] [--texts 2000]
        [--only fetch,extract,search,sync,idle,rss] [--baseline OTHER/reader] [--keep]

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

4. sync (issue 14): 100 PDFs of 2 MiB (200 MiB) sent by `reader sync` to a
   reader-server on 127.0.0.1 (records already there: the files only) and received
   by another library (offline policy `all`), against curl PUT and GET of the same
   files, one connection, one file after the other, to and from Python's
   http.server (GET as shipped, PUT streamed to a file in 1 MiB reads, no flush).
   reader moves 3 files at once and flushes each to disk before it counts as moved
   (the server before it answers, the client before it records the file).
   Downloads are timed without reading the PDFs' text (READER_PDF_TEXT=none) and
   as they run by default (pdftotext and the page index of each file).
5. idle: a library of 1,000 papers with 1,000 files on both sides, nothing changed:
   `reader sync` per process (median) and its bytes on the wire (through
   count_proxy.py), against `reader sync --no-files`.
6. rss: peak RSS of `reader sync` sending and receiving one file of 2 MiB and one of
   200 MiB, and the server's peak RSS after each (VmHWM).

Needs pdflatex (TeX Live) to make the PDFs, pdftotext and curl; the sync parts run
the reader-server beside `reader`.
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
only = option("--only", "fetch,extract,search,sync,idle,rss").split(",")
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

class SyncServer:
    """A reader-server on a free port of 127.0.0.1, its database in `folder`, one
    library "bench" and `devices` tokens; stop() and start() keep the port."""
    def __init__(self, folder, devices=2, *extra):
        self.binary = os.path.join(os.path.dirname(reader), "reader-server")
        self.db = os.path.join(folder, "server.sqlite")
        self.extra = list(extra)
        os.makedirs(folder, exist_ok=True)
        self.admin("library", "create", "bench")
        self.tokens = [self.admin("token", "create", "--library", "bench", "--device", f"d{i}") for i in range(devices)]
        self.port = 0
        self.start()
        self.url = f"http://127.0.0.1:{self.port}/v1/libraries/bench"

    def admin(self, *arguments):
        return subprocess.run([self.binary, *arguments, "--db", self.db], check=True, capture_output=True, text=True).stdout.strip()

    def start(self):
        self.process = subprocess.Popen([self.binary, "serve", "--db", self.db, "--port", str(self.port), "--log-level", "error", *self.extra],
                                        stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on"):
            sys.exit(f"reader-server did not start: {line!r}")
        self.port = int(line.strip().rsplit(":", 1)[1].split("/")[0])

    def peak_rss_kib(self):
        for line in open(f"/proc/{self.process.pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])

    def stop(self):
        self.process.terminate()
        self.process.wait()

    def drop_blobs(self):
        """Stopped: removes every stored file (the records stay)."""
        for entry in os.listdir(self.db + ".blobs"):
            if entry != "tmp":
                shutil.rmtree(os.path.join(self.db + ".blobs", entry))


def checkpoint(library):
    subprocess.run(["sqlite3", library, "PRAGMA wal_checkpoint(TRUNCATE)"], check=True, capture_output=True)


def copy_library(template, path, files=True):
    """A copy of a library (its files hard-linked: stored files never change)."""
    shutil.copyfile(template, path)
    if files and os.path.exists(template + ".files"):
        subprocess.run(["cp", "-al", template + ".files", path + ".files"], check=True)


def remove_library(path):
    shutil.rmtree(path + ".files", ignore_errors=True)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def reader_run(*arguments, extra=None):
    result = subprocess.run([reader, *arguments], capture_output=True, text=True, env=env(**(extra or {})))
    if result.returncode != 0:
        sys.exit(f"reader {' '.join(arguments[:3])} failed: {result.stdout[-300:]}{result.stderr[-500:]}")
    return result.stdout


def library_with_files(path, contents, server, token, attach_extra=()):
    """A library of one paper per file, each file attached, the records on the server."""
    listing = os.path.join(work, "titles.ris")
    open(listing, "w").write(ris([(f"Synced paper {i}", None) for i in range(len(contents))]))
    reader_run("import", listing, "--library", path)
    ids = [p["id"] for p in json.loads(reader_run("list", "--limit", str(len(contents)), "--sort", "added", "--json", "--library", path))]
    for i, (paper, data) in enumerate(zip(ids, contents)):
        file = os.path.join(work, f"attach-{i}")
        open(file, "wb").write(data)
        reader_run("attach", paper, file, "--library", path, *attach_extra, extra={"READER_PDF_TEXT": "none"})
        os.remove(file)
    reader_run("remote", "set", server.url, "--token", token, "--library", path)
    reader_run("sync", "--no-files", "--quiet", "--library", path)
    checkpoint(path)


def receiving_library(path, server, token):
    """A library that keeps every file, with the records pulled and no file yet."""
    reader_run("remote", "set", server.url, "--token", token, "--library", path)
    reader_run("offline", "policy", "all", "--library", path)
    reader_run("sync", "--no-files", "--quiet", "--library", path)
    checkpoint(path)


class PutHandler(SimpleHTTPRequestHandler):
    """GET as http.server ships it; PUT streamed to a file in 1 MiB reads. HTTP/1.1, so
    that curl keeps one connection, as reader does."""
    protocol_version = "HTTP/1.1"

    def do_PUT(self):
        remaining = int(self.headers["Content-Length"])
        target = os.path.join(self.directory, os.path.basename(self.path))
        with open(target, "wb") as output:
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                output.write(chunk)
                remaining -= len(chunk)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *arguments):
        pass


def curl_config(pairs, key):
    path = os.path.join(work, f"curl-{key}.conf")
    with open(path, "w") as config:
        for url, file in pairs:
            config.write(f'url = "{url}"\n{key} = "{file}"\n')
    return path


if "sync" in only:
    folder = os.path.join(work, "sync")
    server = SyncServer(os.path.join(folder, "server"))
    contents = [variant(base20, 20000 + i, size=2 << 20) for i in range(100)]
    mib = sum(len(c) for c in contents) / (1 << 20)
    sender, receiver = os.path.join(folder, "sender.sqlite"), os.path.join(folder, "receiver.sqlite")
    library_with_files(sender, contents, server, server.tokens[0])
    receiving_library(receiver, server, server.tokens[1])
    served = os.path.join(folder, "served")
    os.makedirs(served)
    http = ThreadingHTTPServer(("127.0.0.1", 0), partial(PutHandler, directory=served))
    threading.Thread(target=http.serve_forever, daemon=True).start()
    sources = []
    for i, data in enumerate(contents):
        sources.append(os.path.join(folder, f"source-{i}.pdf"))
        open(sources[-1], "wb").write(data)
    urls = [f"http://127.0.0.1:{http.server_address[1]}/p{i}.pdf" for i in range(len(contents))]
    put = ["curl", "-s", "-f", "-K", curl_config(zip(urls, sources), "upload-file")]
    received = os.path.join(folder, "received")
    get = ["curl", "-s", "-f", "-K", curl_config(zip(urls, [os.path.join(received, f"p{i}.pdf") for i in range(len(urls))]), "output")]
    times = {name: [] for name in ("curl PUT", "reader sync, up", "curl GET", "curl GET, then sha256sum and sync of the files",
                                   "reader sync, down (no text)", "reader sync, down")}
    for r in range(rounds):
        times["curl PUT"].append(run(put))
        for name in ("curl GET", "curl GET, then sha256sum and sync of the files"):
            os.makedirs(received)
            elapsed = run(get)
            if name != "curl GET":
                files = [os.path.join(received, f) for f in os.listdir(received)]
                elapsed += run(["sha256sum"] + files) + run(["sync"] + files + [received])
            times[name].append(elapsed)
            shutil.rmtree(received)
        # Up: the server without the files, a fresh copy of the sender that has sent none.
        server.stop(); server.drop_blobs(); server.start()
        library = os.path.join(folder, f"up-{r}.sqlite")
        copy_library(sender, library)
        times["reader sync, up"].append(run([reader, "sync", "--quiet", "--library", library], env=env()))
        sent = sum(len(names) for directory, _, names in os.walk(server.db + ".blobs") if not directory.endswith("tmp"))
        if sent != len(contents):
            sys.exit(f"reader sync, up: the server holds {sent} files, not {len(contents)}")
        remove_library(library)
        for name, extra in (("reader sync, down (no text)", {"READER_PDF_TEXT": "none"}), ("reader sync, down", {})):
            library = os.path.join(folder, f"down-{r}.sqlite")
            copy_library(receiver, library, files=False)
            times[name].append(run([reader, "sync", "--quiet", "--library", library], env=env(**extra)))
            stored = sum(len(names) for _, _, names in os.walk(os.path.join(library + ".files", "sha256")))
            if stored != len(contents):
                sys.exit(f"{name}: {stored} files arrived, not {len(contents)}")
            remove_library(library)
    http.shutdown()
    server.stop()
    print(f"## sync of papers' files: 100 PDFs, {mib:.1f} MiB\n")
    print("| | median | throughput | against curl the same way |\n|---|---:|---:|---:|")
    for name, values in times.items():
        m = statistics.median(values)
        base = statistics.median(times["curl PUT" if "up" in name or "PUT" in name else "curl GET"])
        print(f"| {name} | {m:.2f} s | {mib / m:.1f} MiB/s | {base / m:.2f}x |")
    print()

if "idle" in only:
    folder = os.path.join(work, "idle")
    server = SyncServer(os.path.join(folder, "server"))
    contents = [os.urandom(4096) for _ in range(1000)]
    sender, receiver = os.path.join(folder, "sender.sqlite"), os.path.join(folder, "receiver.sqlite")
    library_with_files(sender, contents, server, server.tokens[0])
    reader_run("sync", "--quiet", "--library", sender)
    receiving_library(receiver, server, server.tokens[1])
    reader_run("sync", "--quiet", "--library", receiver)
    stored = sum(len(names) for _, _, names in os.walk(os.path.join(receiver + ".files", "sha256")))
    if stored != len(contents):
        sys.exit(f"idle: {stored} files arrived, not {len(contents)}")
    counts = os.path.join(folder, "counts")
    proxy = subprocess.Popen([sys.executable, os.path.join(repo, "Benchmarks", "count_proxy.py"), str(server.port), counts],
                             stdout=subprocess.PIPE, text=True)
    proxy_port = int(proxy.stdout.readline())
    for library, token in ((sender, server.tokens[0]), (receiver, server.tokens[1])):
        reader_run("remote", "set", server.url.replace(str(server.port), str(proxy_port)), "--token", token, "--library", library)

    def wire():
        time.sleep(0.05)
        return sum(int(n) for n in open(counts).read().split()) if os.path.exists(counts) else 0

    results = {}
    for name, arguments in (("reader sync", []), ("reader sync --no-files", ["--no-files"])):
        samples, sizes = [], []
        for r in range(max(rounds * 6, 30)):
            for library in (sender, receiver):
                before = wire()
                samples.append(run([reader, "sync", "--quiet", *arguments, "--library", library], env=env()))
                sizes.append(wire() - before)
        results[name] = (statistics.median(samples), statistics.median(sizes), max(sizes))
    proxy.terminate()
    server.stop()
    print("## a sync with nothing changed: 1,000 papers, 1,000 files on both sides\n")
    print("| | per process (median) | bytes on the wire (median) | most |\n|---|---:|---:|---:|")
    for name, (m, size, most) in results.items():
        print(f"| `{name}` | {m * 1000:.1f} ms | {size:,.0f} | {most:,} |")
    print()

if "rss" in only:
    folder = os.path.join(work, "rss")
    server = SyncServer(os.path.join(folder, "server"), 2, "--max-file-size", "256MiB")
    rows = []
    for size in (2 << 20, 200 << 20):
        sender, receiver = os.path.join(folder, f"s{size}.sqlite"), os.path.join(folder, f"r{size}.sqlite")
        library_with_files(sender, [os.urandom(size)], server, server.tokens[0], attach_extra=("--max-size", "256MiB"))
        receiving_library(receiver, server, server.tokens[1])
        peaks = []
        for library in (sender, receiver):
            result = subprocess.run(["/usr/bin/time", "-f", "%M", reader, "sync", "--quiet", "--max-size", "256MiB", "--library", library],
                                    capture_output=True, text=True, env=env())
            if result.returncode != 0:
                sys.exit(f"rss: sync failed: {result.stdout}{result.stderr}")
            peaks += [int(result.stderr.strip().splitlines()[-1]), server.peak_rss_kib()]
        rows.append((size, *peaks))
        remove_library(sender); remove_library(receiver)
    server.stop()
    print("## peak RSS moving one file\n")
    print("| file | `reader sync` sending | reader-server after receiving it | `reader sync` receiving | reader-server after sending it |\n|---|---:|---:|---:|---:|")
    for size, up, served_up, down, served_down in rows:
        print(f"| {size >> 20} MiB | {up / 1024:.1f} MiB | {served_up / 1024:.1f} MiB | {down / 1024:.1f} MiB | {served_down / 1024:.1f} MiB |")
    print("\n(the server's figures are its peak so far, VmHWM: the rows run in this order)")
    print()

if "--keep" in args:
    print(f"(kept {work})")
else:
    shutil.rmtree(work, ignore_errors=True)
