#!/usr/bin/env python3
"""Serves the recorded responses in this folder on 127.0.0.1 for the lookup tests,
and the PDFs of ../files, well and badly, for the fetch tests.

Prints the port on the first line of stdout once listening, then one line per
request: `METHOD PATH USER-AGENT` (then ` range=bytes=N-` when the request asked for
a range). `--port 0` picks a free port.

Files (NAME is a file of Tests/Fixtures/files):
  /pdf/NAME               the file, with Range (206) and HEAD
  /arxiv-pdf/ID           the PDF of an arXiv id: files/arxiv-ID.pdf, else two-column.pdf
  /hostile/html/...       a 200 login page in HTML instead of a PDF
  /hostile/404/..., /hostile/500/...
  /hostile/cut/NAME       the first request gets half the file and a closed connection;
                          later ones are served with Range
  /hostile/cut-norange/NAME  cut halfway at first, then the whole file with 200,
                          whatever Range asks (a server that ignores Range)
  /hostile/short-length/NAME  a Content-Length 2000 bytes short of the file
  /hostile/stall/NAME     headers and 1 KiB, then silence for 30 s
  /hostile/huge           declares 300 MiB (sends 1 MiB of zeros)
  /hostile/loop           redirects to itself
  /trickle/NAME           the file with Range, 8 KiB every 50 ms (to be killed midway)
"""
import os, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(os.path.dirname(HERE), "files")
SEEN = {}
SEEN_LOCK = threading.Lock()


def first_time(key):
    with SEEN_LOCK:
        count = SEEN.get(key, 0)
        SEEN[key] = count + 1
        return count == 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        asked = self.headers.get("Range")
        print(f"{'HEAD' if head else 'GET'} {self.path} {self.headers.get('User-Agent', '-')}" + (f" range={asked}" if asked else ""), flush=True)
        if url.path.startswith(("/pdf/", "/arxiv-pdf/", "/hostile/", "/trickle/")):
            return self.serve_file(url.path, head)
        if url.path == "/api/papers/search":
            words = __import__("re").sub(r"[^a-z0-9]+", " ", query.get("q", [""])[0].lower()).split()
            path = os.path.join(HERE, "hf-search-" + "-".join(words[:6]) + ".json")
            if os.path.exists(path):
                return self.send(200, "application/json", open(path, "rb").read())
            return self.send(200, "application/json", b"[]")
        if url.path == "/api/query" and "search_query" in query:
            # A title search: the recorded answer for its first six words, else no entry.
            words = __import__("re").sub(r"[^a-z0-9]+", " ", query["search_query"][0].lower().replace("ti:", " ")).split()
            path = os.path.join(HERE, "arxiv-search-" + "-".join(words[:6]) + ".xml")
            if os.path.exists(path):
                return self.send(200, "application/atom+xml", open(path, "rb").read())
            empty = open(os.path.join(HERE, "arxiv-error.xml"), encoding="utf-8").read()
            empty = empty[:empty.index("  <entry>")].replace(">1</opensearch:totalResults>", ">0</opensearch:totalResults>") + "</feed>\n"
            return self.send(200, "application/atom+xml", empty.encode())
        if url.path == "/api/query":
            ids = query.get("id_list", [""])[0].split(",")
            files = [os.path.join(HERE, f"arxiv-{i.split('v')[0] if i.count('.') == 1 else i}.xml") for i in ids]
            if any(not os.path.exists(f) for f in files):
                return self.send(200, "application/atom+xml", open(os.path.join(HERE, "arxiv-error.xml"), "rb").read())
            if len(files) == 1:
                return self.send(200, "application/atom+xml", open(files[0], "rb").read())
            # Several ids: one feed with every entry, as arXiv answers an id_list.
            bodies = [open(f, encoding="utf-8").read() for f in files]
            head = bodies[0][:bodies[0].index("<entry>")]
            entries = [b[b.index("<entry>"):b.rindex("</entry>") + len("</entry>")] for b in bodies]
            return self.send(200, "application/atom+xml", (head + "\n".join(entries) + "\n</feed>\n").encode())
        if url.path.startswith("/works/"):
            doi = urllib.parse.unquote(url.path[len("/works/"):]).lower()
            path = os.path.join(HERE, "crossref-" + doi.replace("/", "_") + ".json")
            if os.path.exists(path):
                return self.send(200, "application/json", open(path, "rb").read())
            return self.send(404, "text/plain", b"Resource not found.")
        if url.path == "/api/daily_papers":
            path = os.path.join(HERE, f"hf-daily-{query.get('date', [''])[0]}.json")
            if os.path.exists(path):
                return self.send(200, "application/json", open(path, "rb").read())
            return self.send(200, "application/json", b"[]")
        if url.path == "/slow":
            import time; time.sleep(30)
        self.send(404, "text/plain", b"not found")

    def file_bytes(self, name):
        path = os.path.join(FILES, os.path.basename(name))
        return open(path, "rb").read() if os.path.isfile(path) else None

    def serve_range(self, data, head=False, content_type="application/pdf"):
        asked = self.headers.get("Range", "")
        if asked.startswith("bytes=") and asked.endswith("-"):
            start = int(asked[6:-1])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            if not head:
                self.wfile.write(data[start:])
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def serve_file(self, path, head):
        parts = path.strip("/").split("/")
        if parts[0] == "pdf":
            data = self.file_bytes(parts[-1])
            return self.serve_range(data, head) if data is not None else self.send(404, "text/plain", b"no such file")
        if parts[0] == "arxiv-pdf":
            ident = parts[-1].split("v")[0] if "." in parts[-1] else parts[-1]
            data = self.file_bytes(f"arxiv-{ident}.pdf") or self.file_bytes("two-column.pdf")
            return self.serve_range(data, head)
        if parts[0] == "trickle":
            data = self.file_bytes(parts[-1]) or self.file_bytes("two-column.pdf")
            if data is None:
                return self.send(404, "text/plain", b"no such file")
            asked = self.headers.get("Range", "")
            start = int(asked[6:-1]) if asked.startswith("bytes=") and asked.endswith("-") else 0
            self.send_response(206 if start else 200)
            self.send_header("Content-Type", "application/pdf")
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            try:
                for offset in range(start, len(data), 8192):
                    self.wfile.write(data[offset:offset + 8192])
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            return
        kind = parts[1] if len(parts) > 1 else ""
        name = parts[-1]
        if kind == "html":
            return self.send(200, "text/html; charset=utf-8", b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Please sign in to download this article.</form></body></html>")
        if kind == "404":
            return self.send(404, "text/html", b"<html><body>Not found</body></html>")
        if kind == "500":
            return self.send(500, "text/plain", b"internal error")
        if kind == "loop":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if kind == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(300 * 1024 * 1024))
            self.end_headers()
            try:
                self.wfile.write(b"%PDF-1.4\n" + b"0" * (1024 * 1024))
            except OSError:
                pass
            self.close_connection = True
            return
        # An arXiv id (READER_ARXIV_PDF pointed here) gets the two-column paper.
        data = self.file_bytes(name) or self.file_bytes("two-column.pdf")
        if kind in ("cut", "cut-norange"):
            if first_time(path):
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if kind == "cut":
                return self.serve_range(data, head)
            return self.send(200, "application/pdf", data)
        if kind == "short-length":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(data) - 2000))
            self.end_headers()
            self.wfile.write(data[: len(data) - 2000])
            return
        if kind == "stall":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:1024])
            self.wfile.flush()
            time.sleep(30)
            self.close_connection = True
            return
        self.send(404, "text/plain", b"unknown route")

    def send(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
