"""A real HTTP server on 127.0.0.1 for tests and benchmarks, with per-path routes and faults.

Routes are data (`Route`) so a test can change what a path serves between two fetches (an edited
article) and read back what the server saw (`server.log`), e.g. conditional-request headers or
the time of each request for pacing checks.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).parent / "pages"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answers 304 to a matching If-None-Match
    gzip: bool = False
    delay: float = 0.0  # seconds before the response starts
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None  # full control, for faults


@dataclass
class Seen:
    """One request as the server saw it: when it arrived and when its handler finished."""

    path: str
    headers: dict[str, str]
    at: float
    end: float = float("inf")  # still being answered
    method: str = "GET"
    body: bytes = b""  # what a POST sent


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up early is normal here (errors, caps, timeouts): no tracebacks on stderr."""


class LocalServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        """`host="::1"` serves over IPv6 loopback."""
        self.routes: dict[str, Route] = {}
        self.log: list[Seen] = []
        self._lock = threading.Lock()
        server_class = (
            type("_V6Server", (_QuietServer,), {"address_family": socket.AF_INET6}) if ":" in host else _QuietServer
        )
        self._httpd = server_class((host, 0), self._make_handler())
        self.host = f"[{host}]" if ":" in host else host
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def page(self, path: str, name: str, **kwargs: object) -> str:
        """Serve tests/pages/<name> at `path`; returns the full URL."""
        self.routes[path] = Route(body=(PAGES / name).read_bytes(), **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.log if s.path == path]

    def peak_in_flight(self, prefix: str = "/") -> int:
        """The most requests under `prefix` the server was answering at one moment."""
        with self._lock:
            seen = [s for s in self.log if s.path.startswith(prefix)]
        edges = sorted([(s.at, 1) for s in seen] + [(s.end, -1) for s in seen], key=lambda e: (e[0], e[1]))
        peak = current = 0
        for _, step in edges:
            current += step
            peak = max(peak, current)
        return peak

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                with server._lock:
                    server.log.append(seen)
                try:
                    self._answer(seen)
                finally:
                    seen.end = min(seen.end, time.monotonic())

            def do_POST(self) -> None:
                """Webhooks (Apprise's json://) post here; the body is kept in the log, the answer is the route's."""
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic(), method="POST")
                seen.body = self.rfile.read(length) if length else b""
                with server._lock:
                    server.log.append(seen)
                try:
                    self._answer(seen)
                finally:
                    seen.end = min(seen.end, time.monotonic())

            def _answer(self, seen: Seen) -> None:
                path = seen.path
                route = server.routes.get(path) or server.routes.get(path.split("?")[0])
                if route is None:
                    self._send(seen, 404, b"<html><body><h1>Not found</h1></body></html>", "text/html", {})
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.handler is not None:
                    # a client giving up mid-response is what fault tests expect
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        route.handler(self)
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._send(seen, 304, b"", None, {"ETag": route.etag})
                    return
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                body = route.body
                if route.gzip:
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                self._send(seen, route.status, body, route.content_type, headers)

            def _send(self, seen: Seen, status: int, body: bytes, ctype: str | None, headers: dict[str, str]) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                seen.end = time.monotonic()  # before the body: the client cannot follow up earlier
                if body:
                    self.wfile.write(body)

        return Handler
