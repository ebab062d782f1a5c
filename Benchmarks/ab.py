#!/usr/bin/env python3
"""Two `reader` builds, run in turn on the same data: start-up, every export, restore,
the first push.

    Benchmarks/ab.py BEFORE/reader AFTER/reader LIBRARY.sqlite [--runs N] [--what startup,quick,exports,restore,push]

LIBRARY is a library both builds can open (made by the older one, e.g. with
`reader-bench formats --count 100000 --keep --reader BEFORE/reader`); each build gets
its own copy (the newer one may migrate it). Prints Markdown rows: medians of wall
time and of CPU (user + system) per build, and the ratio after / before.

`quick` times `list --limit 20`, `tags` and `stats` on LIBRARY.

`push` times a first push: each run restores LIBRARY's backup into a new library
(untimed), starts that build's `reader-server` (beside its `reader`) on an empty
database, and times `reader sync` straight to it (no proxy), which sends every
record and pulls the echo. Its CPU column is the client's; the server's CPU time
is printed after the row.
"""
import argparse, os, resource, shutil, signal, statistics, subprocess, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("before"); parser.add_argument("after"); parser.add_argument("library")
parser.add_argument("--runs", type=int, default=9)
parser.add_argument("--what", default="startup,exports,restore")
args = parser.parse_args()
work = tempfile.mkdtemp(prefix="reader-ab-")
builds = {"before": args.before, "after": args.after}
libraries = {}
for name in builds:
    libraries[name] = os.path.join(work, name + ".sqlite")
    shutil.copy(args.library, libraries[name])
    subprocess.run([builds[name], "--library", libraries[name], "list", "--limit", "1"], stdout=subprocess.DEVNULL, check=True)

def run(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN); start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start; after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

def alternate(label, command, runs, prepare=lambda name: None):
    wall = {n: [] for n in builds}; cpu = {n: [] for n in builds}
    for i in range(runs):
        for name in (("before", "after") if i % 2 == 0 else ("after", "before")):
            prepare(name)
            w, c = run(command(name))
            wall[name].append(w); cpu[name].append(c)
    m = {n: (statistics.median(wall[n]), statistics.median(cpu[n])) for n in builds}
    show = lambda s: f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"
    print(f"| {label} | {show(m['before'][0])} (CPU {show(m['before'][1])}) | {show(m['after'][0])} (CPU {show(m['after'][1])}) | {m['after'][0] / m['before'][0]:.2f}x |", flush=True)

what = args.what.split(",")
if "startup" in what:
    alternate("`reader --version`", lambda n: [builds[n], "--version"], 200)
if "quick" in what:
    # Each build opens its copy once first (a newer one may migrate it), untimed.
    for name in builds:
        subprocess.run([builds[name], "--library", libraries[name], "stats"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    for label, arguments in [("reader list --limit 20", ["list", "--limit", "20"]), ("reader tags", ["tags"]), ("reader stats", ["stats"])]:
        alternate(f"`{label}`", lambda n, arguments=arguments: [builds[n], "--library", libraries[n], *arguments], args.runs)
if "exports" in what:
    for format in ["bibtex", "biblatex", "csl-json", "ris", "json", "csv", "markdown"]:
        alternate(f"export {format}", lambda n: [builds[n], "--library", libraries[n], "export", "--format", format, "-o", os.path.join(work, "out-" + n)], args.runs)
if "restore" in what:
    backup = os.path.join(work, "backup.json")
    subprocess.run([builds["before"], "--library", libraries["before"], "export", "--format", "json", "-o", backup], stderr=subprocess.DEVNULL, check=True)
    def fresh(name):
        for suffix in ["", "-wal", "-shm", ".instance"]:
            path = os.path.join(work, "restore-" + name + ".sqlite" + suffix)
            if os.path.exists(path): os.remove(path)
    alternate("restore a JSON backup (`reader import backup.json`)", lambda n: [builds[n], "--library", os.path.join(work, "restore-" + n + ".sqlite"), "import", backup], max(3, args.runs // 3), fresh)
if "push" in what:
    backup = os.path.join(work, "push-backup.json")
    subprocess.run([builds["before"], "--library", libraries["before"], "export", "--format", "json", "-o", backup], stderr=subprocess.DEVNULL, check=True)
    servers = {}; server_cpu = {n: [] for n in builds}
    def clean(prefix):
        for suffix in ["", "-wal", "-shm", ".instance", ".epoch"]:
            if os.path.exists(prefix + suffix): os.remove(prefix + suffix)
    def seeded(name):
        if name in servers: stop(name)
        library, database = os.path.join(work, "push-" + name + ".sqlite"), os.path.join(work, "server-" + name + ".sqlite")
        clean(library); clean(database)
        server = os.path.join(os.path.dirname(builds[name]), "reader-server")
        subprocess.run([builds[name], "--library", library, "import", backup], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        subprocess.run([server, "library", "create", "bench", "--db", database], stdout=subprocess.DEVNULL, check=True)
        token = subprocess.run([server, "token", "create", "--library", "bench", "--device", "bench", "--db", database],
                               capture_output=True, text=True, check=True).stdout.strip()
        serve = subprocess.Popen([server, "serve", "--db", database, "--port", "0", "--log-level", "warning"], stdout=subprocess.PIPE, text=True)
        port = serve.stdout.readline().strip().rsplit(":", 1)[-1]
        servers[name] = serve
        subprocess.run([builds[name], "--library", library, "remote", "set", f"http://127.0.0.1:{port}/v1/libraries/bench", "--token", token],
                       stdout=subprocess.DEVNULL, check=True)
    def stop(name):
        serve = servers.pop(name)
        with open(f"/proc/{serve.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        server_cpu[name].append((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
        serve.send_signal(signal.SIGTERM); serve.wait()
    alternate("first push (`reader sync` of a restored library to an empty server)",
              lambda n: [builds[n], "--library", os.path.join(work, "push-" + n + ".sqlite"), "sync"], max(2, args.runs // 3), seeded)
    for name in list(servers): stop(name)
    print("server CPU, median: " + ", ".join(f"{n} {statistics.median(server_cpu[n]):.2f} s" for n in builds))
shutil.rmtree(work)
