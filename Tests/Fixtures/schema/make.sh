#!/usr/bin/env bash
# Makes a small library with a given `reader` binary, for the test that opens a
# library of every earlier schema version (Tests/StorageTests/SchemaFixtureTests.swift).
#
#   Tests/Fixtures/schema/make.sh PATH/TO/reader Tests/Fixtures/schema/vN
#
# writes vN.sqlite (the library) and vN.json (its JSON backup, written by the
# same version: what every field was). The same session runs on every version.
# An old version is built with:
#   git worktree add /tmp/vN REV && (cd /tmp/vN && swift build --product reader)
set -euo pipefail
reader=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export READER_LIBRARY="$work/library.sqlite" HOME="$work" TZ=UTC
r() { "$reader" "$@" > /dev/null; }
r import "$here/input.bib"
r start "Attention Is All You Need"
r tag "Attention Is All You Need" +transformers +reading-group
r note add "Attention Is All You Need" "Multi-head attention: **eight** heads; see section 3.2."
r highlight add "Attention Is All You Need" "Attention is all you need" --page 1 --comment "the title says it"
r done "Deep Residual Learning" --rating 5
r tag "Deep Residual Learning" +vision
r note add "Deep Residual Learning" "Residual connections ease optimisation."
r queue "Schrödinger's Benchmarks"
r rm "A Paper That Goes To The Trash"
"$reader" export --format json > "$out.json"
sqlite3 "$READER_LIBRARY" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"
cp "$READER_LIBRARY" "$out.sqlite"
echo "$out.sqlite: $(stat -c %s "$out.sqlite") bytes"
