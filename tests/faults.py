"""Faults a hostile or broken server can produce, as `Route` handlers for `tests.server.LocalServer`.

Used by the reliability tests and the fault benchmark: each entry makes a handler that misbehaves
in one specific way, at the HTTP or the content level.
"""

from __future__ import annotations

import gzip
import socket
import struct
import time
from collections.abc import Callable
from email.utils import formatdate
from functools import cache
from http.server import BaseHTTPRequestHandler

import brotli

Handler = Callable[[BaseHTTPRequestHandler], None]

# A story's worth of text after the fault's own paragraph: a page of two words is not an article.
_STORY = (
    "The council met on Tuesday evening to discuss the budget for the coming year, and several members "
    "asked for more money for the harbour, the library and the schools. The mayor said a decision would "
    "follow next month, after the public consultation closes."
)
ARTICLE_SHELL = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title></head><body>"
    "<nav><a href=/>Home</a></nav><article><h1>{title}</h1><p>{text}</p><p>" + _STORY + "</p></article>"
    "</body></html>"
)


def _send(req: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
    req.send_response(status)
    for k, v in headers.items():
        req.send_header(k, v)
    if "Content-Length" not in headers:
        req.send_header("Content-Length", str(len(body)))
    req.end_headers()
    req.wfile.write(body)


def status(code: int, **headers: str) -> Handler:
    return lambda req: _send(req, code, b"<html><body>error</body></html>", {"Content-Type": "text/html", **headers})


def retry_after_seconds(seconds: int = 1) -> Handler:
    return status(429, **{"Retry-After": str(seconds)})


def retry_after_date(seconds: int = 1) -> Handler:
    return status(429, **{"Retry-After": formatdate(time.time() + seconds, usegmt=True)})


def reset_mid_body(req: BaseHTTPRequestHandler) -> None:
    body = ARTICLE_SHELL.format(title="Reset", text="x" * 5000).encode()
    req.send_response(200)
    req.send_header("Content-Type", "text/html")
    req.send_header("Content-Length", str(len(body)))
    req.end_headers()
    req.wfile.write(body[:1000])
    req.wfile.flush()
    _reset(req)


def reset_at_once(req: BaseHTTPRequestHandler) -> None:
    """A TCP RST before any byte of an answer."""
    _reset(req)


def _reset(req: BaseHTTPRequestHandler) -> None:
    """Close the connection with a TCP RST (SO_LINGER 0) instead of a FIN.  The socket's file object
    holds the descriptor open, so it is closed first; else the RST would wait for the handler's
    keep-alive loop, and the client would see a read timeout instead."""
    req.close_connection = True
    req.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    req.rfile.close()
    req.connection.close()


def slow_drip(seconds: float = 30.0) -> Handler:
    def handle(req: BaseHTTPRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", "text/html")
        req.send_header("Content-Length", "100000")
        req.end_headers()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            req.wfile.write(b"<")
            req.wfile.flush()
            time.sleep(1.0)

    return handle


def truncated(req: BaseHTTPRequestHandler) -> None:
    body = ARTICLE_SHELL.format(title="Truncated", text="y" * 2000).encode()
    _send(req, 200, body[:800], {"Content-Type": "text/html", "Content-Length": str(len(body))})
    req.close_connection = True


def wrong_type(req: BaseHTTPRequestHandler) -> None:
    _send(req, 200, ARTICLE_SHELL.format(title="Image?", text="text").encode(), {"Content-Type": "image/jpeg"})


@cache
def _gzip_bomb() -> bytes:
    return gzip.compress(b"<html><body>" + b"\0" * 60_000_000, compresslevel=9)


@cache
def _brotli_bomb() -> bytes:
    return brotli.compress(b"<html><body>" + b"\0" * 200_000_000, quality=1)


def gzip_bomb(req: BaseHTTPRequestHandler) -> None:
    _send(req, 200, _gzip_bomb(), {"Content-Type": "text/html", "Content-Encoding": "gzip"})


def brotli_bomb(req: BaseHTTPRequestHandler) -> None:
    _send(req, 200, _brotli_bomb(), {"Content-Type": "text/html", "Content-Encoding": "br"})


def redirect_loop(req: BaseHTTPRequestHandler) -> None:
    target = req.path + ("&" if "?" in req.path else "?") + "again=1"
    _send(req, 302, b"", {"Location": target if len(target) < 400 else req.path.split("?")[0]})


def redirect_to_file(req: BaseHTTPRequestHandler) -> None:
    _send(req, 302, b"", {"Location": "file:///etc/passwd"})


def huge_page(req: BaseHTTPRequestHandler) -> None:
    chunk = b"<p>" + b"filler text " * 8000 + b"</p>\n"
    total = 50 * 1024 * 1024
    req.send_response(200)
    req.send_header("Content-Type", "text/html")
    req.send_header("Content-Length", str(total))
    req.end_headers()
    sent = 0
    while sent < total:
        piece = chunk[: total - sent]
        req.wfile.write(piece)
        sent += len(piece)


def _html(body: bytes, ctype: str = "text/html; charset=utf-8") -> Handler:
    return lambda req: _send(req, 200, body, {"Content-Type": ctype})


MALFORMED = {
    "unclosed": _html(b"<html><body><article><h1>Unclosed<p>text <b>bold <i>both <div><p>never closed " * 50),
    "nul_bytes": _html(ARTICLE_SHELL.format(title="NUL\0bytes", text="a\0b\0c " * 200).encode()),
    "deep_nesting": _html(b"<html><body>" + b"<div>" * 10_000 + b"deep text" + b"</div>" * 10_000 + b"</body></html>"),
    "lying_charset": _html(
        ARTICLE_SHELL.format(title="Déjà vu à Noël", text="Les élèves ont été reçus " * 40).encode("cp1252"),
        "text/html; charset=utf-8",
    ),
    "unknown_charset": _html(
        ARTICLE_SHELL.format(title="Charset", text="ça marche").encode(), "text/html; charset=x-no-such-charset"
    ),
}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def xml_bomb_sitemap(req: BaseHTTPRequestHandler) -> None:
    body = (
        BILLION_LAUGHS
        + b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>'
    )
    _send(req, 200, body, {"Content-Type": "application/xml"})


def xml_bomb_feed(req: BaseHTTPRequestHandler) -> None:
    body = (
        BILLION_LAUGHS
        + b"<rss version='2.0'><channel><title>&lol9;</title><item><link>&lol9;</link></item></channel></rss>"
    )
    _send(req, 200, body, {"Content-Type": "application/rss+xml"})


def xxe_sitemap(req: BaseHTTPRequestHandler) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://127.0.0.1/&secret;</loc></url>'
        b"</urlset>"
    )
    _send(req, 200, body, {"Content-Type": "application/xml"})


def xxe_feed(req: BaseHTTPRequestHandler) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
        b"<rss version='2.0'><channel><title>t</title><item><title>&secret;</title>"
        b"<link>http://127.0.0.1/&secret;</link></item></channel></rss>"
    )
    _send(req, 200, body, {"Content-Type": "application/rss+xml"})


# Faults a crawl should retry and get past on a later round
TRANSIENT: dict[str, Handler] = {
    "500": status(500),
    "502": status(502),
    "503": status(503, **{"Retry-After": "1"}),
    "429-seconds": retry_after_seconds(1),
    "429-date": retry_after_date(1),
    "reset": reset_mid_body,
    "truncated": truncated,
}

# Faults that are the page's nature: recorded with their reason, never archived as content
PERMANENT: dict[str, Handler] = {
    "wrong-type": wrong_type,
    "gzip-bomb": gzip_bomb,
    "brotli-bomb": brotli_bomb,
    "redirect-loop": redirect_loop,
    "redirect-to-file": redirect_to_file,
    "50MB": huge_page,
}


class Flaky:
    """Serves a synthetic site on `server`, failing `rate` of requests with a random transient fault."""

    def __init__(self, site: object, server: object, rate: float, seed: int = 3) -> None:
        import random

        from tests.server import Route

        self.good = site.handler(f"127.0.0.1:{server.port}")  # type: ignore[attr-defined]
        self.rate = rate
        self.rng = random.Random(seed)
        self.injected: dict[str, int] = {}
        for path in site.paths():  # type: ignore[attr-defined]
            server.routes[path] = Route(handler=self)  # type: ignore[attr-defined]

    def __call__(self, req: BaseHTTPRequestHandler) -> None:
        if self.rng.random() < self.rate:
            name = self.rng.choice(sorted(TRANSIENT))
            self.injected[name] = self.injected.get(name, 0) + 1
            TRANSIENT[name](req)
            return
        self.good(req)


# A crawl in a child process, for kill tests: python -c CRAWL_CHILD CONFIG_DIR DB
CRAWL_CHILD = (
    "import asyncio, sys\nfrom scraper.config import load_config\nfrom scraper.crawl.round import crawl\n"
    "config = load_config(sys.argv[1])\nasyncio.run(crawl(config, config.sites, sys.argv[2]))\n"
)


def archive_problems(db: object) -> dict[str, object]:
    """What a torn write would leave behind; a whole archive gives {"integrity": "ok", 0, 0}."""
    import sqlite3

    with sqlite3.connect(db, timeout=60) as conn:  # type: ignore[arg-type]
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        if one("SELECT count(*) FROM sqlite_master") == 0:  # killed before the schema's transaction committed
            return {"integrity": one("PRAGMA integrity_check"), "duplicate_versions": 0, "partial_rows": 0}
        return {
            "integrity": one("PRAGMA integrity_check"),
            "duplicate_versions": one(
                "SELECT count(*) FROM (SELECT 1 FROM versions GROUP BY article_id, content_hash HAVING count(*) > 1)"
            ),
            "partial_rows": one(
                "SELECT count(*) FROM articles a"
                " WHERE version_count != (SELECT count(*) FROM versions v WHERE v.article_id = a.id)"
            ),
        }


WHOLE = {"integrity": "ok", "duplicate_versions": 0, "partial_rows": 0}
