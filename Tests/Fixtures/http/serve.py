#!/usr/bin/env python3
"""Serves the recorded responses in this folder on 127.0.0.1 for the lookup tests.

Prints the port on the first line of stdout once listening, then one line per
request: `METHOD PATH USER-AGENT`. `--port 0` picks a free port.
"""
import os, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        print(f"GET {self.path} {self.headers.get('User-Agent', '-')}", flush=True)
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
