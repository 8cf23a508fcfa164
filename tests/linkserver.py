"""A real HTTP server on 127.0.0.1 for the link rules: each path answers one way.

With ``tls`` set, the same port also speaks HTTPS (the first byte of a connection tells
which), so an http:// link can be tested for "https:// works too".
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = "<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


class Handler(BaseHTTPRequestHandler):
    server: LinkServer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        headers.setdefault("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def _page(self, title: str, body: str = "") -> bytes:
        return PAGE.format(title=title, body=body).encode()

    def handle_one(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.hits[(self.command, path)] += 1
        if self.server.delay:
            time.sleep(self.server.delay)
        if path.startswith("/ok") or path.startswith("/page/"):
            self._send(200, self._page("Welcome"))
        elif path == "/moved":
            self._send(301, headers={"Location": "/ok-after-move"})
        elif path == "/missing":
            self._send(404, self._page("Not found"))
        elif path == "/gone":
            self._send(410, self._page("Gone"))
        elif path == "/error":
            self._send(500, self._page("Oops"))
        elif path == "/busy":
            self._send(429, self._page("Slow down"), {"Retry-After": "60"})
        elif path == "/private":
            self._send(403, self._page("Forbidden"))
        elif path == "/slow":
            time.sleep(self.server.slow)
            self._send(200, self._page("Finally"))
        elif path == "/sales-ended":
            self._send(200, self._page("Co-Pro Conference", "<p>Sales ended</p>"))
        elif path == "/no-head":
            if self.command == "HEAD":
                self._send(405, headers={"Allow": "GET"})
            else:
                self._send(200, self._page("GET only"))
        elif path == "/small.jpg":
            self._send(200, b"\xff\xd8" + b"0" * 2000, {"Content-Type": "image/jpeg"})
        elif path == "/heavy.jpg":
            self._send(200, b"\xff\xd8" + b"0" * (1_500_000), {"Content-Type": "image/jpeg"})
        else:
            self._send(404, self._page("Not found"))

    def do_HEAD(self) -> None:
        self.handle_one()

    def do_GET(self) -> None:
        self.handle_one()


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, delay: float = 0.0, slow: float = 2.0, tls: ssl.SSLContext | None = None):
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: Counter[tuple[str, str]] = Counter()
        self.delay = delay
        self.slow = slow
        self.tls = tls
        self.thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)

    def get_request(self) -> tuple[socket.socket, object]:
        sock, addr = super().get_request()
        if self.tls is not None:
            sock.settimeout(2)
            try:
                first = sock.recv(1, socket.MSG_PEEK)
            except OSError:
                first = b""
            if first == b"\x16":
                sock = self.tls.wrap_socket(sock, server_side=True)
            sock.settimeout(None)
        return sock, addr

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> LinkServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with the openssl command line: (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key
