#!/bin/bash
# The first push and the first pull of a whole library, for several builds in turn.
#
#     Benchmarks/first-sync.sh LIBRARY.sqlite RUNS BUILD_DIR...
#
# LIBRARY is a library every build can open (e.g. the `reader-bench startup`
# library, /tmp/reader-bench-startup/library-100000.sqlite: 100,000 papers, about
# 900,000 field changes). Each BUILD_DIR holds a release `reader` and `reader-server`.
# For each run and build, in turn: the library's JSON backup is restored into a new
# library (untimed), that build's server starts on an empty database, and
#   - the first push is `reader sync` of the restored library (every record goes up,
#     then a pull that brings nothing back), and
#   - the first pull is `reader sync` of a new, empty library on a second device.
# Prints one line per run and build: wall and CPU time of each, and the server's CPU.
set -euo pipefail
library=$1; runs=$2; shift 2
work=$(mktemp -d /tmp/reader-first-sync.XXXXXX)
trap 'rm -rf "$work"' EXIT
first=$1
"$first/reader" --library "$library" export --format json -o "$work/backup.json" > /dev/null 2>&1
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for run in $(seq "$runs"); do
  for build in "$@"; do
    w="$work/run"; rm -rf "$w"; mkdir -p "$w"
    "$build/reader" --library "$w/a.sqlite" import "$work/backup.json" > /dev/null 2>&1
    "$build/reader-server" library create bench --db "$w/s.sqlite" > /dev/null
    ta=$("$build/reader-server" token create --library bench --device a --db "$w/s.sqlite" 2> /dev/null)
    tb=$("$build/reader-server" token create --library bench --device b --db "$w/s.sqlite" 2> /dev/null)
    "$build/reader-server" serve --db "$w/s.sqlite" --port 0 --log-level warning > "$w/port" &
    server=$!
    while [ ! -s "$w/port" ]; do sleep 0.1; done
    url="http://127.0.0.1:$(head -1 "$w/port" | sed 's/.*://')/v1/libraries/bench"
    "$build/reader" --library "$w/a.sqlite" remote set "$url" --token "$ta" > /dev/null
    "$build/reader" --library "$w/b.sqlite" remote set "$url" --token "$tb" > /dev/null 2>&1
    /usr/bin/time -o "$w/push" -f "%e s (CPU %U+%S)" "$build/reader" --library "$w/a.sqlite" sync > /dev/null 2>&1
    s1=$(ticks $server)
    /usr/bin/time -o "$w/pull" -f "%e s (CPU %U+%S)" "$build/reader" --library "$w/b.sqlite" sync > /dev/null 2>&1
    s2=$(ticks $server)
    kill $server; wait $server 2> /dev/null || true
    hz=$(getconf CLK_TCK)
    echo "run $run $build: first push $(cat "$w/push"), server CPU $(awk "BEGIN { printf \"%.1f\", $s1 / $hz }") s; first pull $(cat "$w/pull"), server CPU $(awk "BEGIN { printf \"%.1f\", ($s2 - $s1) / $hz }") s"
  done
done
