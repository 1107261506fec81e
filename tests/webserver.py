"""A small council-like web site served on 127.0.0.1 for crawler tests, with injected faults and a request
log (path, headers, time) that tests read to prove what was and was not requested."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Site:
    """Routes, counters and the request log of one test server."""

    routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = field(default_factory=dict)
    log: list[tuple[str, dict[str, str], float]] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, handler: BaseHTTPRequestHandler) -> int:
        with self.lock:
            self.log.append((handler.path, dict(handler.headers), time.monotonic()))
            self.hits[handler.path] = self.hits.get(handler.path, 0) + 1
            return self.hits[handler.path]

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.log]


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    content_type: str = "text/html",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def page(title: str, body: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>".encode()


def serve(site: Site, host: str = "127.0.0.1") -> tuple[ThreadingHTTPServer, str]:
    """Start the site on a free port of a loopback address (127.0.0.1 unless told); returns (server, base URL)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.record(self)
            route = site.routes.get(self.path.split("?")[0])
            if route is None:
                send(self, 404, b"not found", "text/plain")
            else:
                route(self)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"


def gzip_bomb(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9)
