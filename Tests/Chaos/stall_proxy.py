"""A TCP proxy on 127.0.0.1 that stalls one file transfer midway, for the tests that
kill reader-server while a file moves (Tests/EndToEndTests/FileSyncTests.swift).

    python3 stall_proxy.py UPSTREAM_PORT up|down BYTES

Prints its own port, then forwards every connection to UPSTREAM_PORT. The first
upload (`up`: a PUT of a blob) or download (`down`: the answer to a GET of a blob)
is passed on for BYTES bytes of its body and then held: the transfer is open,
the server has part of the file (or the client has), and a test can kill the
server at that instant whatever the machine's speed. When the server goes, the
client's connection is closed. Later transfers pass whole. Every request line and
Range header seen is printed, so that a test can check that a download resumed.
"""
import socket
import sys
import threading

upstream_port, mode, limit = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
stalled_once = threading.Event()
lock = threading.Lock()


def log(line):
    with lock:
        print(line, flush=True)


def close(*sockets):
    for s in sockets:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            s.close()
        except OSError:
            pass


def serve(client):
    try:
        server = socket.create_connection(("127.0.0.1", upstream_port))
    except OSError:
        close(client)
        return
    state = {"armed": False, "counted": 0, "holding": False}
    done = threading.Event()

    def client_to_server():
        try:
            while not done.is_set():
                data = client.recv(65536)
                if not data:
                    break
                for line in data.split(b"\r\n"):
                    if line.startswith((b"GET ", b"PUT ", b"POST ", b"HEAD ")) or line.lower().startswith(b"range:"):
                        log(line.decode("latin-1"))
                head = data[:200]
                if not stalled_once.is_set() and b"/blobs/" in head and b"/blobs/missing" not in head:
                    if (mode == "up" and head.startswith(b"PUT ")) or (mode == "down" and head.startswith(b"GET ")):
                        state["armed"] = True
                        stalled_once.set()
                if mode == "up" and state["armed"]:
                    room = max(0, limit - state["counted"])
                    server.sendall(data[:room])
                    state["counted"] += min(room, len(data))
                    if state["counted"] >= limit:
                        # Hold the rest: the client waits, the server has part of the file.
                        log("holding the upload")
                        done.wait()
                        break
                    continue
                server.sendall(data)
        except OSError:
            pass
        done.set()
        close(client, server)

    def server_to_client():
        try:
            while True:
                data = server.recv(65536)
                if not data:
                    break
                if mode == "down" and state["armed"]:
                    if state["holding"]:
                        continue  # read and dropped: a server that goes away is seen
                    room = max(0, limit - state["counted"])
                    client.sendall(data[:room])
                    state["counted"] += min(room, len(data))
                    if state["counted"] >= limit:
                        log("holding the download")
                        state["holding"] = True
                    continue
                client.sendall(data)
        except OSError:
            pass
        done.set()
        close(client, server)

    threading.Thread(target=client_to_server, daemon=True).start()
    threading.Thread(target=server_to_client, daemon=True).start()


def main():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        serve(client)


main()
