#!/usr/bin/env python3
"""How soon an edit reaches the other side under `reader sync --watch` (issue 15, item 4).

    live_sync.py READER READER_SERVER [--rounds 20]

Starts READER_SERVER on 127.0.0.1 with a new database, two libraries A and B of one
server library, and `reader sync --watch --no-files` on B. Each round:

- another machine: A imports a paper and runs `reader sync`; the time from the start of
  A's sync until B's library file holds the paper (B's SQLite polled every 5 ms; B's
  long poll wakes when A's push commits, often before A's own sync has ended);
- another process on B: `reader tag PAPER +live` on B; the time from the end of that
  command until the server's head moves (the server's SQLite polled every 5 ms).

Prints medians and the slowest round of each.
"""
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    reader, server_binary = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 20
    work = tempfile.mkdtemp(prefix="reader-live-")
    db = os.path.join(work, "server.sqlite")

    def admin(*arguments):
        return subprocess.run([server_binary, *arguments, "--db", db], check=True, capture_output=True, text=True).stdout.strip()

    admin("library", "create", "lab")
    tokens = [admin("token", "create", "--library", "lab", "--device", name) for name in ("a", "b")]
    server = subprocess.Popen([server_binary, "serve", "--db", db, "--port", "0", "--log-level", "warning"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = server.stdout.readline().split("listening on ", 1)[1].strip() + "/v1/libraries/lab"
    libraries = {name: os.path.join(work, name + ".sqlite") for name in ("a", "b")}

    def run(name, *arguments):
        return subprocess.run([reader, *arguments, "--library", libraries[name]], check=True, capture_output=True, text=True).stdout

    for name, token in zip(("a", "b"), tokens):
        run(name, "remote", "set", url, "--token", token)
    log = open(os.path.join(work, "watch.log"), "w")
    watch = subprocess.Popen([reader, "sync", "--watch", "--no-files", "--library", libraries["b"]], stdout=log, stderr=log)
    time.sleep(1.0)

    def wait_until(path, sql, arguments, predicate):
        while True:
            try:
                connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                value = connection.execute(sql, arguments).fetchone()[0]
                connection.close()
                if predicate(value):
                    return time.perf_counter()
            except sqlite3.OperationalError:
                pass
            time.sleep(0.005)

    def head():
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        value = connection.execute("SELECT seq FROM library WHERE name = 'lab'").fetchone()[0]
        connection.close()
        return value

    arrived, sent, a_sync = [], [], []
    try:
        for index in range(rounds):
            title = f"Live Paper {index}"
            bib = os.path.join(work, f"{index}.bib")
            with open(bib, "w") as file:
                file.write(f"@article{{live{index}, title={{{title}}}, author={{Doe, Jane}}, year={{2024}}}}\n")
            run("a", "import", bib)
            started = time.perf_counter()
            run("a", "sync", "--no-files")
            a_sync.append(time.perf_counter() - started)
            seen = wait_until(libraries["b"], "SELECT count(*) FROM paper WHERE title = ?", (title,), lambda count: count > 0)
            arrived.append(seen - started)
            time.sleep(0.3)  # B's own sync of the paper settles

            before = head()
            run("b", "tag", title, "+live")
            edited = time.perf_counter()
            moved = wait_until(db, "SELECT seq FROM library WHERE name = 'lab'", (), lambda seq: seq > before)
            sent.append(moved - edited)
            time.sleep(0.3)
    finally:
        watch.terminate()
        watch.wait()
        server.terminate()
        server.wait()

    def line(name, values):
        values = sorted(values)
        print(f"{name}: median {statistics.median(values) * 1000:.0f} ms, slowest {values[-1] * 1000:.0f} ms ({len(values)} rounds)")

    line("A's `reader sync` (push and pull), for comparison", a_sync)
    line("another machine's edit, from the start of its `reader sync` until it is in B's library", arrived)
    line("another process's edit on B, from the end of its command until the server holds it", sent)


if __name__ == "__main__":
    main()
