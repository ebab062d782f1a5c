#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that counts the bytes it carries each way.

    count_proxy.py TARGET_PORT COUNTS_FILE

Prints its own port on the first line of standard output. After every closed
connection it rewrites COUNTS_FILE with `sent received` totals (bytes from the
clients, bytes to the clients): what `reader-bench sync` reports as bytes on the wire.
"""
import asyncio
import os
import sys

target_port = int(sys.argv[1])
counts_file = sys.argv[2]
totals = {"up": 0, "down": 0}


def save():
    tmp = counts_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{totals['up']} {totals['down']}\n")
    os.replace(tmp, counts_file)


async def pipe(reader, writer, key):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            totals[key] += len(data)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(client_reader, client_writer):
    server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    await asyncio.gather(pipe(client_reader, server_writer, "up"), pipe(server_reader, client_writer, "down"))
    save()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    save()
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
