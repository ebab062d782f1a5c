#!/usr/bin/env bash
# The sync server under load, every store in one run (issue 15, item 8):
# `reader-bench load` with 50 and 200 clients against SQLite with group commit and
# without it (--push-group 1), and against PostgreSQL with one instance and with three
# (a throwaway cluster with fsync on, as SQLite's synchronous = FULL). Rounds alternate
# the four set-ups so that the machine's noise falls on each alike.
#
#   bash Benchmarks/server_load.sh [ROUNDS_OF_THE_MATRIX]     (after swift build -c release)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-1}
bench=.build/release/reader-bench
server=.build/release/reader-server
[ -x "$bench" ] && [ -x "$server" ] || { echo "build first: swift build -c release" >&2; exit 1; }

postgres=$(THROWAWAY_POSTGRES_FSYNC=on bash Tests/Postgres/throwaway-postgres.sh start $$)
trap 'bash Tests/Postgres/throwaway-postgres.sh stop "${postgres#* }"' EXIT
url=${postgres%% *}

echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "| store | instances | clients | pushes | pulls | wall | pushes/s | pulls/s | push p50 | push p99 | pull p50 | pull p99 | live p50 | live p99 | server peak RSS | lost updates | converged |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for repeat in $(seq "$repeats"); do
  for clients in 50 200; do
    # The same 10,000 pushes at either client count.
    rounds=$((10000 / clients))
    for setup in "sqlite" "sqlite --push-group 1" "postgres 1" "postgres 3"; do
      case $setup in
        sqlite) options=() ;;
        "sqlite --push-group 1") options=(--push-group 1) ;;
        "postgres 1") options=(--database "$url" --instances 1) ;;
        "postgres 3") options=(--database "$url" --instances 3) ;;
      esac
      "$bench" load --clients "$clients" --rounds "$rounds" --server "$server" "${options[@]}" 2> >(grep -v "^token " >&2) | tail -n 1
    done
  done
done
