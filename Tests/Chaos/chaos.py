#!/usr/bin/env python3
"""Real processes under kill -9: reader-server and three reader libraries.

Runs random edits, file attachments and `reader sync` (records, then files up
and down) on three libraries against one reader-server, and kills random `reader`
commands and the server itself with SIGKILL at random moments, for a bounded
time. Then heals (server up, every library synced until idle) and checks:

- `PRAGMA integrity_check` is ok for the server's and every library's database;
- every library's canonical dump is byte-identical to the others and the server's;
- every edit a `reader` command reported as saved (exit status 0) is present:
  notes with their text, tags on their papers, and each paper's status is one
  of the statuses that were saved for it (a later write may supersede an earlier),
  or of a status command that was killed (it may have committed before it died);
- every file an `attach` reported as saved is on every library's paper, in every
  library's file store (each library keeps all files), and on the server, where a
  GET with the library's token answers the bytes of the file's SHA-256; every
  upload a sync acknowledged ("files: sent") is there too;
- no file store on either side holds a file whose bytes do not match its name, and
  no library has files left to send or to receive.

    chaos.py --reader .build/debug/reader --server .build/debug/reader-server --duration 60 --seed 1

With --postgres, the server is three reader-server instances over one PostgreSQL
database (a throwaway cluster this script starts, Tests/Postgres/throwaway-postgres.sh)
sharing one files folder, behind a balancer that sends each connection to a random live
instance; besides the kills above, instances are killed with SIGKILL, and PostgreSQL
itself is restarted as after a crash (`pg_ctl restart -m immediate`), also in the
middle of syncs. The same checks hold (integrity_check for the libraries; the server's
dump through any instance).

Prints the counts of kills, syncs and edits. Exit status 0 when every check passes.
"""
import argparse
import hashlib
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Balancer:
    """A TCP front for several server instances: each connection goes to a random
    instance that accepts it (a killed one refuses, and the next is tried)."""

    def __init__(self, ports, seed):
        self.ports = ports
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.connect, args=(client,), daemon=True).start()

    def connect(self, client):
        with self.lock:
            ports = self.random.sample(self.ports, len(self.ports))
        for port in ports:
            try:
                upstream = socket.create_connection(("127.0.0.1", port), timeout=2)
                upstream.settimeout(None)
                break
            except OSError:
                continue
        else:
            client.close()
            return
        threading.Thread(target=self.pipe, args=(upstream, client), daemon=True).start()
        self.pipe(client, upstream)

    @staticmethod
    def pipe(source, destination):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                destination.sendall(data)
        except OSError:
            pass
        for end in (source, destination):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()


class Chaos:
    def __init__(self, args):
        self.args = args
        self.random = random.Random(args.seed)
        self.folder = tempfile.mkdtemp(prefix="reader-chaos-")
        self.db = os.path.join(self.folder, "server.sqlite")
        self.files = self.db + ".blobs"
        self.postgres = None       # (url, directory) of the throwaway cluster
        if args.postgres:
            started = subprocess.run(["bash", os.path.join(HERE, "..", "Postgres", "throwaway-postgres.sh"), "start", str(os.getpid())],
                                     check=True, capture_output=True, text=True).stdout.split()
            self.postgres = (started[0], started[1])
            self.files = os.path.join(self.folder, "files")
        self.database = ["--database", self.postgres[0]] if self.postgres else ["--db", self.db]
        self.ports = [free_port() for _ in range(3 if self.postgres else 1)]
        self.instances = [None] * len(self.ports)
        self.balancer = Balancer(self.ports, args.seed) if self.postgres else None
        self.port = self.balancer.port if self.balancer else self.ports[0]
        self.counts = {"edits saved": 0, "edits killed": 0, "syncs": 0, "syncs failed": 0, "syncs killed": 0,
                       "server kills": 0, "server kills during a sync": 0, "client kills": 0, "files attached": 0, "attaches killed": 0}
        if self.postgres:
            self.counts.update({"postgres restarts": 0, "postgres restarts during a sync": 0})
        self.notes = []            # texts saved
        self.tags = []             # (library index, paper, tag) saved
        self.statuses = {}         # paper -> set of saved statuses
        self.maybe_statuses = {}   # paper -> statuses of killed commands (they may have committed)
        self.attachments = []      # (paper, sha256) saved
        self.acknowledged = set()  # sha256 of files a sync reported as sent
        self.libraries = [os.path.join(self.folder, f"lib{i}.sqlite") for i in range(3)]
        env = dict(os.environ)
        env.pop("READER_LIBRARY", None)
        env["READER_HTTP_TIMEOUT"] = "5"
        for key in ["READER_ARXIV_API", "READER_CROSSREF_API", "READER_HF_API"]:
            env[key] = "http://127.0.0.1:9/none"
        self.env = env

    def admin(self, *arguments):
        return subprocess.run([self.args.server, *arguments, *self.database], check=True, capture_output=True, text=True).stdout.strip()

    def start_server(self, index=None):
        """Starts the instance (every one that is down, when none is named)."""
        for number in ([index] if index is not None else range(len(self.ports))):
            if self.instances[number] is not None and self.instances[number].poll() is None:
                continue
            log = open(os.path.join(self.folder, f"server{number}.log"), "a")
            process = subprocess.Popen([self.args.server, "serve", *self.database, "--files", self.files,
                                        "--port", str(self.ports[number]), "--log-level", "warning"],
                                       stdout=subprocess.PIPE, stderr=log, text=True)
            line = process.stdout.readline()
            if not line.startswith("listening on"):
                raise SystemExit(f"reader-server did not start: {line!r}")
            self.instances[number] = process

    def kill_server(self, index=None):
        """Kills an instance with SIGKILL (a random live one when none is named)."""
        live = [number for number, process in enumerate(self.instances) if process is not None and process.poll() is None]
        if index is None:
            if not live:
                return None
            index = self.random.choice(live) if len(live) > 1 else live[0]
        process = self.instances[index]
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            self.counts["server kills"] += 1
        return index

    def restart_postgres(self):
        """PostgreSQL stops as after a crash and starts again (the instances reconnect)."""
        subprocess.run(["bash", os.path.join(HERE, "..", "Postgres", "throwaway-postgres.sh"), "restart", self.postgres[1]],
                       check=True, capture_output=True)
        self.counts["postgres restarts"] += 1

    def reader(self, library, *arguments, kill_after=None, timeout=60):
        process = subprocess.Popen([self.args.reader, *arguments, "--library", library], env=self.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if kill_after is not None:
            time.sleep(kill_after)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.communicate()
                return None
        out, err = process.communicate(timeout=timeout)
        return (process.returncode, out, err)

    def papers(self, library):
        result = self.reader(library, "list", "--limit", "1000", "--json")
        return [paper["id"] for paper in json.loads(result[1])] if result and result[0] == 0 else []

    def setup(self):
        self.admin("library", "create", "chaos")
        self.tokens = tokens = [self.admin("token", "create", "--library", "chaos", "--device", f"d{i}") for i in range(3)]
        self.start_server()
        url = f"http://127.0.0.1:{self.port}/v1/libraries/chaos"
        for library, token in zip(self.libraries, tokens):
            assert self.reader(library, "remote", "set", url, "--token", token)[0] == 0
            assert self.reader(library, "offline", "policy", "all")[0] == 0
        assert self.reader(self.libraries[0], "import", self.args.listing)[0] == 0
        for library in self.libraries:
            assert self.reader(library, "sync")[0] == 0
        self.ids = self.papers(self.libraries[0])

    def step(self):
        library = self.random.choice(self.libraries)
        roll = self.random.random()
        kill = self.random.random() < 0.15
        kill_after = self.random.uniform(0.0, 0.15) if kill else None
        if roll < 0.08:
            self.attach(library, kill_after)
        elif roll < 0.45:
            paper = self.random.choice(self.ids)
            kind = self.random.choice(["note", "tag", "status"])
            if kind == "note":
                text = f"chaos note {len(self.notes)} seed {self.args.seed} {self.random.randrange(10**9)}"
                result = self.reader(library, "note", "add", paper, text, kill_after=kill_after)
                saved = result is not None and result[0] == 0
                if saved:
                    self.notes.append(text)
            elif kind == "tag":
                tag = self.random.choice(["alpha", "beta", "gamma"])
                result = self.reader(library, "tag", paper, "+" + tag, kill_after=kill_after)
                saved = result is not None and result[0] == 0
                if saved:
                    self.tags.append((paper, tag))
            else:
                status = self.random.choice(["inbox", "queued", "reading", "read", "dropped"])
                result = self.reader(library, "status", paper, status, kill_after=kill_after)
                saved = result is not None and result[0] == 0
                if saved:
                    self.statuses.setdefault(paper, set()).add(status)
                elif result is None:
                    # Killed: it may have committed before it died, and then it may win.
                    self.maybe_statuses.setdefault(paper, set()).add(status)
            self.counts["edits saved" if saved else "edits killed"] += 1
            if result is None:
                self.counts["client kills"] += 1
        elif roll < 0.92:
            # Now and then the server (an instance) dies while this sync runs (in the
            # middle of a file, often), or PostgreSQL restarts under it.
            fault = self.random.random()
            restart = self.postgres is not None and fault < 0.05
            victim = self.random.randrange(len(self.ports))
            action = self.restart_postgres if restart else (lambda: self.kill_server(victim))
            server_kill = threading.Timer(self.random.uniform(0.0, 0.3), action) if fault < 0.1 else None
            if server_kill:
                server_kill.start()
            result = self.reader(library, "sync", kill_after=self.random.uniform(0.0, 0.4) if kill else None)
            if server_kill:
                server_kill.cancel()
                server_kill.join()
                if restart:
                    self.counts["postgres restarts during a sync"] += 1
                elif any(process.poll() is not None for process in self.instances):
                    self.counts["server kills during a sync"] += 1
                    self.start_server()
            self.counts["syncs"] += 1
            self.note_sent(library, result)
            if result is None:
                self.counts["syncs killed"] += 1
                self.counts["client kills"] += 1
            elif result[0] != 0:
                self.counts["syncs failed"] += 1
        elif self.postgres is not None and roll < 0.95:
            self.restart_postgres()
        else:
            index = self.kill_server()
            time.sleep(self.random.uniform(0.0, 0.3))
            self.start_server(index)

    def attach(self, library, kill_after):
        """Attaches a new file of 100 KB to 3 MB (random bytes) to a random paper."""
        paper = self.random.choice(self.ids)
        # Mostly small files; one in ten large enough that kills land in its transfer.
        size = self.random.randrange(10_000_000, 30_000_000) if self.random.random() < 0.1 else self.random.randrange(100_000, 3_000_000)
        path = os.path.join(self.folder, f"file-{self.counts['files attached'] + self.counts['attaches killed']}.bin")
        with open(path, "wb") as file:
            file.write(self.random.randbytes(size))
        result = self.reader(library, "attach", paper, path, "--json", kill_after=kill_after)
        if result is None:
            self.counts["attaches killed"] += 1
            self.counts["client kills"] += 1
        elif result[0] == 0:
            self.attachments.append((paper, json.loads(result[1])["sha256"]))
            self.counts["files attached"] += 1
        os.remove(path)

    def note_sent(self, library, result):
        """Remembers the files a sync reported as sent: the server acknowledged them."""
        if result is None or result[0] != 0 or "files: sent" not in result[1]:
            return
        # The sync printed what it sent; the library's store holds what it may have sent.
        status = self.reader(library, "sync", "status", "--json")
        waiting = {file["sha256"] for file in json.loads(status[1])["files_to_send"]} if status[0] == 0 else set()
        for paper, digest in self.attachments:
            if digest not in waiting and os.path.exists(self.stored_path(library, digest)):
                self.acknowledged.add(digest)

    @staticmethod
    def stored_path(library, digest):
        return os.path.join(library + ".files", "sha256", digest[:2], digest[2:4], digest)

    def heal(self):
        self.start_server()
        for _ in range(3):
            for library in self.libraries:
                # An instance's pool may still be finding PostgreSQL again after a restart.
                for attempt in range(12 if self.postgres else 1):
                    result = self.reader(library, "sync")
                    if result[0] == 0:
                        break
                    time.sleep(5)
                if result[0] != 0:
                    raise SystemExit(f"sync after healing failed: {result[1]}{result[2]}")

    def check(self):
        problems = []
        for database in ([] if self.postgres else [self.db]) + self.libraries:
            status = sqlite3.connect(database).execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                problems.append(f"{database}: integrity_check says {status}")
        dumps = [self.reader(library, "export", "--format", "json", "--canonical")[1] for library in self.libraries]
        server_dump = self.admin("dump", "--library", "chaos") + "\n"
        for index, dump in enumerate(dumps):
            if dump != server_dump:
                problems.append(f"library {index} differs from the server")
        records = [json.loads(line.rstrip(",")) for line in server_dump.splitlines()[1:-1]]
        bodies = "\n".join(r["fields"]["body"]["value"] for r in records if r["entity"] == "note" and "body" in r["fields"]
                           and isinstance(r["fields"]["body"]["value"], str))
        for text in self.notes:
            if text not in bodies:
                problems.append(f"a saved note is missing: {text}")
        for paper, tag in self.tags:
            detail = json.loads(self.reader(self.libraries[0], "show", paper, "--json")[1])
            if tag not in detail.get("tags", []):
                problems.append(f"a saved tag is missing: {tag} on {paper}")
        for paper, saved in self.statuses.items():
            detail = json.loads(self.reader(self.libraries[0], "show", paper, "--json")[1])
            possible = saved | self.maybe_statuses.get(paper, set())
            if detail.get("status") not in possible:
                problems.append(f"{paper}: status {detail.get('status')} is none of the saved {sorted(saved)}"
                                f" nor of killed commands {sorted(self.maybe_statuses.get(paper, set()))}")
        problems += self.check_files()
        return problems

    def check_files(self):
        problems = []
        url = f"http://127.0.0.1:{self.port}/v1/libraries/chaos/blobs/"
        for digest in sorted({digest for _, digest in self.attachments} | self.acknowledged):
            request = urllib.request.Request(url + digest, headers={"Authorization": f"Bearer {self.tokens[0]}"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    if hashlib.sha256(response.read()).hexdigest() != digest:
                        problems.append(f"the server answers other bytes for {digest}")
            except Exception as error:
                problems.append(f"an acknowledged or saved file is not on the server: {digest}: {error}")
        for index, library in enumerate(self.libraries):
            for paper, digest in self.attachments:
                if not os.path.exists(self.stored_path(library, digest)):
                    problems.append(f"library {index} lacks the file {digest} of {paper}")
            detail = {paper: None for paper, _ in self.attachments}
            for paper in detail:
                shown = json.loads(self.reader(library, "show", paper, "--json")[1])
                detail[paper] = {attachment["sha256"] for attachment in shown.get("attachments", [])}
            for paper, digest in self.attachments:
                if digest not in detail[paper]:
                    problems.append(f"library {index}: the saved attachment {digest} is not on {paper}")
            status = json.loads(self.reader(library, "sync", "status", "--json")[1])
            if status["files_to_send"] or status["files_to_receive"]:
                problems.append(f"library {index} has files left to send ({len(status['files_to_send'])})"
                                f" or to receive ({len(status['files_to_receive'])}) after healing")
        folders = [library + ".files/sha256" for library in self.libraries] + [self.files]
        for folder in folders:
            for directory, _, names in os.walk(folder):
                if os.path.basename(directory) == "tmp":
                    continue
                for name in names:
                    if len(name) != 64:
                        continue
                    with open(os.path.join(directory, name), "rb") as file:
                        if hashlib.file_digest(file, "sha256").hexdigest() != name:
                            problems.append(f"{os.path.join(directory, name)} does not hold the bytes of its name")
        return problems

    def run(self):
        self.setup()
        deadline = time.monotonic() + self.args.duration
        steps = 0
        while time.monotonic() < deadline:
            self.step()
            steps += 1
        self.heal()
        problems = self.check()
        kills = self.counts["server kills"]
        for index in range(len(self.instances)):
            self.kill_server(index)
        self.counts["server kills"] = kills  # the final stop is not one
        if self.postgres:
            subprocess.run(["bash", os.path.join(HERE, "..", "Postgres", "throwaway-postgres.sh"), "stop", self.postgres[1]], capture_output=True)
        print(f"chaos: {'3 instances on PostgreSQL, ' if self.postgres else ''}seed {self.args.seed}, {self.args.duration:.0f} s, {steps} steps; "
              + ", ".join(f"{key} {value}" for key, value in self.counts.items())
              + f"; notes saved {len(self.notes)}, tags saved {len(self.tags)}, papers with saved statuses {len(self.statuses)}"
              + f", uploads acknowledged {len(self.acknowledged)}")
        if problems:
            print(f"{len(problems)} problem(s) (files kept in {self.folder}):", file=sys.stderr)
            for problem in problems[:30]:
                print("  " + problem, file=sys.stderr)
            return 1
        subprocess.run(["rm", "-rf", self.folder])
        print("chaos: every database intact, all converged, every saved edit present, every saved file everywhere with its hash")
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", default=".build/debug/reader")
    parser.add_argument("--server", default=".build/debug/reader-server")
    parser.add_argument("--listing", default="Examples/trending-papers.txt")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", action="store_true", help="three instances over a throwaway PostgreSQL")
    sys.exit(Chaos(parser.parse_args()).run())


if __name__ == "__main__":
    main()
