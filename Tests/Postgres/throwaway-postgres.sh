#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks: a new cluster in a
# temporary directory, on a free port of 127.0.0.1, trusted local connections, no
# fsync unless THROWAWAY_POSTGRES_FSYNC=on (benchmarks; a killed server still keeps
# every commit: the kernel has it), stopped and deleted when the process that asked for
# it (the watched process id) ends, or on `stop`.
#
#   throwaway-postgres.sh start [WATCHED_PID]   prints: postgres://postgres@127.0.0.1:PORT/postgres DIR
#   throwaway-postgres.sh stop DIR
#   throwaway-postgres.sh restart DIR     a crash and a start: pg_ctl restart -m immediate
#
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user
# (Debian's package creates it) and every server command runs as that user.
set -euo pipefail

bindir() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
    echo "PostgreSQL's server programs (initdb, pg_ctl) are not installed: apt-get install -y postgresql" >&2
    exit 2
  fi
  echo "$found"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local watched=${1:-} bin dir port
  bin=$(bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/reader-postgres.XXXXXX")
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "there is no 'postgres' user to run PostgreSQL as (install Debian's postgresql package)" >&2; exit 2; }
    chown postgres "$dir"
  fi
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --locale=C.UTF-8 -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${THROWAWAY_POSTGRES_FSYNC:-off} -c max_connections=300" \
        start >"$dir/pg_ctl.log" 2>&1 </dev/null; then
      break
    fi
    port=""
  done
  # (The server inherits pg_ctl's output: never the caller's pipe, which would stay open.)
  [ -n "$port" ] || { cat "$dir/pg_ctl.log" "$dir/server.log" >&2; exit 1; }
  if [ -n "$watched" ]; then
    # Stops the server when the watched process ends, however it ends.
    ( exec >/dev/null 2>&1 </dev/null
      while kill -0 "$watched" 2>/dev/null; do sleep 1; done
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop || true
      rm -rf "$dir" ) &
    disown
  fi
  echo "postgres://postgres@127.0.0.1:$port/postgres $dir"
}

stop() {
  local dir=$1 bin
  bin=$(bindir)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
  rm -rf "$dir"
}

# Stops the server as a crash would (no checkpoint: recovery replays the WAL at start)
# and starts it again on the same port.
restart() {
  local dir=$1 bin
  bin=$(bindir)
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m immediate -w -t 60 restart >>"$dir/pg_ctl.log" 2>&1 </dev/null \
    || { cat "$dir/pg_ctl.log" >&2; exit 1; }
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  restart) shift; restart "$@" ;;
  *) echo "usage: $0 start [WATCHED_PID] | stop DIR | restart DIR" >&2; exit 64 ;;
esac
