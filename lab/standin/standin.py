#!/usr/bin/env python3
"""A stand-in application service (stdlib only): an HTTP store of items on a DRBD filesystem.

The lab runs it as a systemd service in place of application servers that have no Debian
package (Kopano's server, spooler and dagent; Open-Xchange's app server), with its data
directory on a DRBD filesystem, so that a failover moves real, durably written data.

  standin.py --dir DIR --port PORT [--name NAME] [--bind ADDRESS] [--allow-unmounted]

  PUT /items/ID       the body written to DIR/items/ID: a temporary file, fsync, rename, fsync
                      of the directory; 201 only after that. 400 for a bad ID, 500 (a short
                      message, never the body) when the write failed.
  GET /items/ID       200 with the content, or 404.
  GET /items?prefix=P 200: the IDs that start with P, one a line.
  GET /health         200 "ok NAME" when DIR takes a write (a probe file written, fsynced and
                      removed), else 503.

ID: [A-Za-z0-9._-]{1,100}, not starting with a dot (the temporary files do). It refuses to
start (exit 1) when DIR does not exist or is not a mount point, unless --allow-unmounted (the
tests): with the DRBD filesystem not mounted it would write to the node's root disk. For the
same reason a PUT, and /health, answer 503 while DIR is not a mount point. PORT 0 takes a free
port (the start line names it). One line to stderr per start and stop, none per request.
SIGTERM or SIGINT: shut down, exit 0.
"""
import argparse
import os
import re
import signal
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
MAX_BODY = 16 << 20


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def short(e):
    """An OSError's kind and text without its file name (nothing from the request)."""
    if isinstance(e, OSError) and e.strerror:
        return f"{type(e).__name__}: {e.strerror}"
    return type(e).__name__


class Store:
    def __init__(self, directory, name, allow_unmounted):
        self.dir = directory
        self.items = os.path.join(directory, "items")
        self.name = name
        self.allow_unmounted = allow_unmounted

    def mounted(self):
        return self.allow_unmounted or os.path.ismount(self.dir)

    def put(self, item, body):
        tmp = os.path.join(self.items, f".{item}.{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            with open(tmp, "wb") as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            os.rename(tmp, os.path.join(self.items, item))
            fsync_dir(self.items)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def health(self):
        probe = os.path.join(self.dir, f".health-{os.getpid()}-{threading.get_ident()}")
        try:
            with open(probe, "wb") as f:
                f.write(b"probe\n")
                f.flush()
                os.fsync(f.fileno())
        finally:
            try:
                os.unlink(probe)
            except FileNotFoundError:
                pass


class Handler(BaseHTTPRequestHandler):
    server_version = "zimbra-ha-standin"
    timeout = 30  # a client that stops sending holds its thread no longer than this
    store: Store

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # one line per request would fill the journal

    def answer(self, status, text, content_type="text/plain; charset=utf-8"):
        body = text.encode() if isinstance(text, str) else text
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def item(self, path):
        name = path[len("/items/"):]
        return name if ID.fullmatch(name) else None

    def do_PUT(self):
        url = urllib.parse.urlsplit(self.path)
        if not url.path.startswith("/items/"):
            return self.answer(404, "not found\n")
        item = self.item(url.path)
        if item is None:
            return self.answer(400, "bad item id\n")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self.answer(411, "Content-Length required\n")
        if length < 0 or length > MAX_BODY:
            return self.answer(413, "body too large\n")
        if not self.store.mounted():
            return self.answer(503, "data directory not mounted\n")
        try:
            body = self.rfile.read(length)
            if len(body) != length:
                return self.answer(400, "short body\n")
            self.store.put(item, body)
        except Exception as e:  # noqa: BLE001 - every failure is a 500, never a 201
            return self.answer(500, f"write failed: {short(e)}\n")
        self.answer(201, "stored\n")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        try:
            if url.path == "/health":
                if not self.store.mounted():
                    return self.answer(503, "data directory not mounted\n")
                try:
                    self.store.health()
                except OSError as e:
                    return self.answer(503, f"data directory not writable: {short(e)}\n")
                return self.answer(200, f"ok {self.store.name}\n")
            if url.path == "/items":
                prefix = urllib.parse.parse_qs(url.query).get("prefix", [""])[0]
                names = sorted(n for n in os.listdir(self.store.items) if not n.startswith(".") and n.startswith(prefix))
                return self.answer(200, "".join(n + "\n" for n in names))
            if url.path.startswith("/items/"):
                item = self.item(url.path)
                if item is None:
                    return self.answer(400, "bad item id\n")
                try:
                    with open(os.path.join(self.store.items, item), "rb") as f:
                        return self.answer(200, f.read(), "application/octet-stream")
                except FileNotFoundError:
                    return self.answer(404, "no such item\n")
            self.answer(404, "not found\n")
        except Exception as e:  # noqa: BLE001
            self.answer(500, f"read failed: {short(e)}\n")

    do_HEAD = do_GET


def log(name, message):
    print(f"standin {name}: {message}", file=sys.stderr, flush=True)


def main():
    p = argparse.ArgumentParser(prog="standin.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--name", default="standin")
    p.add_argument("--bind", default="0.0.0.0")
    p.add_argument("--allow-unmounted", action="store_true", help="serve a directory that is not a mount point (tests)")
    a = p.parse_args()
    directory = os.path.abspath(a.dir)
    if not os.path.isdir(directory):
        log(a.name, f"refusing to start: {directory} does not exist")
        return 1
    if not a.allow_unmounted and not os.path.ismount(directory):
        log(a.name, f"refusing to start: {directory} is not a mount point (its filesystem is not mounted; "
                    "the data would go to the node's own disk)")
        return 1
    store = Store(directory, a.name, a.allow_unmounted)
    try:
        os.makedirs(store.items, exist_ok=True)
    except OSError as e:
        log(a.name, f"refusing to start: cannot create {store.items}: {short(e)}")
        return 1
    handler = type("StoreHandler", (Handler,), {"store": store})
    try:
        server = ThreadingHTTPServer((a.bind, a.port), handler)
    except OSError as e:
        log(a.name, f"cannot listen on {a.bind}:{a.port}: {short(e)}")
        return 1
    server.daemon_threads = True

    def stop(signum, _frame):
        # serve_forever runs in this (the main) thread: shutdown() waits for it, so from another.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log(a.name, f"started, serving {directory} on {a.bind}:{server.server_address[1]}")
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
    log(a.name, "stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
