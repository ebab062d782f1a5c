"""Export times of several builds, interleaved: each round runs every build once,
in reverse order every other round, and the medians are printed with their ratio to
the first build.

    python3 Benchmarks/interleaved_exports.py ROUNDS NAME=READER:LIBRARY ... -- FORMAT ...
    python3 Benchmarks/interleaved_exports.py 31 base=/tmp/base/reader:/tmp/a.sqlite new=.build/release/reader:/tmp/b.sqlite -- bibtex csv
"""
import subprocess, time, statistics, sys, os
# usage: alt4.py ROUNDS name=binary:library ... -- formats
args = sys.argv[1:]
rounds = int(args.pop(0))
sep = args.index("--")
libs = {a.split("=")[0]: tuple(a.split("=")[1].split(":")) for a in args[:sep]}
base = list(libs)[0]
for f in args[sep + 1:]:
    t = {k: [] for k in libs}
    for i in range(rounds):
        order = list(libs) if i % 2 == 0 else list(reversed(list(libs)))
        for k in order:
            b, l = libs[k]
            s = time.perf_counter(); subprocess.run([b, "export", "--format", f, "--library", l, "-o", "/tmp/o-" + k], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); t[k].append(time.perf_counter() - s)
    m = {k: statistics.median(v) * 1000 for k, v in t.items()}
    print(f + ": " + ", ".join(f"{k} {v:.1f} ms ({v / m[base]:.2f}x)" for k, v in m.items()), flush=True)
