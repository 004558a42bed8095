"""The HTTP client against a real server on 127.0.0.1: limits, charsets, errors."""

from __future__ import annotations

import gzip
import socket
import time
from http.server import BaseHTTPRequestHandler

import brotli
import pytest

from scraper.errors import BadStatusError, FetchError, NotHTMLError, TooLargeError
from scraper.fetch.client import fetch_page, parse_retry_after
from tests.conftest import settings
from tests.server import LocalServer, Route

ARTICLE = b"<!doctype html><html lang=en><head><title>T</title></head><body><p>Hello</p></body></html>"


def test_default_user_agent_names_the_project(server: LocalServer) -> None:
    server.routes["/a"] = Route(ARTICLE)
    page = fetch_page(server.url("/a"))
    assert page.status == 200 and "Hello" in page.html
    assert server.hits("/a")[0].headers["user-agent"].startswith("newsarchive/")


def test_user_agent_can_be_overridden(server: LocalServer) -> None:
    server.routes["/a"] = Route(ARTICLE)
    fetch_page(server.url("/a"), settings(fetch__user_agent="MyNewsroomBot/2.0 (desk@example.org)"))
    assert server.hits("/a")[0].headers["user-agent"] == "MyNewsroomBot/2.0 (desk@example.org)"


def test_gzip_and_brotli_bodies_are_decoded(server: LocalServer) -> None:
    server.routes["/gz"] = Route(ARTICLE, gzip=True)
    server.routes["/br"] = Route(brotli.compress(ARTICLE), headers={"Content-Encoding": "br"})
    assert fetch_page(server.url("/gz")).content == ARTICLE
    assert fetch_page(server.url("/br")).content == ARTICLE


def test_windows_1252_from_header(server: LocalServer) -> None:
    url = server.page("/fr", "cp1252-fr.html", content_type="text/html; charset=windows-1252")
    page = fetch_page(url)
    assert page.encoding == "cp1252"
    assert "’" in page.html and "é" in page.html and "Ã" not in page.html


def test_windows_1252_from_meta_when_header_is_silent(server: LocalServer) -> None:
    url = server.page("/fr", "cp1252-fr.html", content_type="text/html")
    page = fetch_page(url)
    assert page.encoding == "cp1252" and "’" in page.html and "\ufffd" not in page.html


def test_windows_1252_detected_without_any_declaration(server: LocalServer) -> None:
    url = server.page("/fr", "cp1252-fr-nometa.html", content_type="text/html")
    page = fetch_page(url)
    assert page.encoding == "cp1252"
    assert "é" in page.html and "’" in page.html and "\ufffd" not in page.html


def test_lying_utf8_header_over_cp1252_bytes_is_distrusted(server: LocalServer) -> None:
    url = server.page("/fr", "cp1252-fr-nometa.html", content_type="text/html; charset=utf-8")
    page = fetch_page(url)
    assert "é" in page.html and "\ufffd" not in page.html


def test_https_to_a_plain_http_port_says_tls_failed(server: LocalServer) -> None:
    """A typo of scheme is a clear, permanent error, not a raw SSL traceback text or a retry."""
    server.routes["/a"] = Route(ARTICLE)
    with pytest.raises(FetchError) as caught:
        fetch_page(server.url("/a").replace("http://", "https://"))
    assert caught.value.reason == "TLS handshake failed: wrong version number"
    assert not caught.value.transient


def test_redirects_are_followed(server: LocalServer) -> None:
    server.routes["/old"] = Route(status=301, headers={"Location": "/new"}, content_type=None)
    server.routes["/new"] = Route(ARTICLE)
    page = fetch_page(server.url("/old"))
    assert page.url == server.url("/old") and page.final_url == server.url("/new")


def test_redirect_loop_is_refused(server: LocalServer) -> None:
    server.routes["/a"] = Route(status=302, headers={"Location": "/b"}, content_type=None)
    server.routes["/b"] = Route(status=302, headers={"Location": "/a"}, content_type=None)
    with pytest.raises(FetchError, match="redirect loop"):
        fetch_page(server.url("/a"))


def test_more_than_ten_redirects_are_refused(server: LocalServer) -> None:
    for i in range(12):
        server.routes[f"/r{i}"] = Route(status=302, headers={"Location": f"/r{i + 1}"}, content_type=None)
    server.routes["/r12"] = Route(ARTICLE)
    with pytest.raises(FetchError, match="more than 10 redirects"):
        fetch_page(server.url("/r0"))
    assert len(server.log) == 11


def test_redirect_to_another_scheme_is_refused(server: LocalServer) -> None:
    server.routes["/a"] = Route(status=302, headers={"Location": "file:///etc/passwd"}, content_type=None)
    with pytest.raises(FetchError, match="only http and https"):
        fetch_page(server.url("/a"))


def test_non_http_url_is_refused() -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetch_page("ftp://example.org/file")


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_error_status(server: LocalServer, status: int) -> None:
    server.routes["/e"] = Route(b"<html><body>nope</body></html>", status=status)
    with pytest.raises(BadStatusError) as info:
        fetch_page(server.url("/e"))
    assert info.value.status == status and f"HTTP {status}" in str(info.value)


def test_retry_after_is_read_from_429(server: LocalServer) -> None:
    server.routes["/busy"] = Route(b"slow down", status=429, headers={"Retry-After": "120"})
    with pytest.raises(BadStatusError) as info:
        fetch_page(server.url("/busy"))
    assert info.value.retry_after == 120


def test_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412450.0) == pytest.approx(30)
    assert parse_retry_after("soon") is None


def test_non_html_is_refused_with_its_type(server: LocalServer) -> None:
    server.routes["/doc.pdf"] = Route(b"%PDF-1.7 ...", content_type="application/pdf")
    with pytest.raises(NotHTMLError, match="application/pdf"):
        fetch_page(server.url("/doc.pdf"))


def test_missing_content_type_is_sniffed(server: LocalServer) -> None:
    server.routes["/a"] = Route(ARTICLE, content_type=None)
    server.routes["/bin"] = Route(b"\x89PNG\r\n\x1a\n....", content_type=None)
    assert "Hello" in fetch_page(server.url("/a")).html
    with pytest.raises(NotHTMLError):
        fetch_page(server.url("/bin"))


def test_body_over_the_cap_is_refused(server: LocalServer) -> None:
    server.routes["/big"] = Route(b"<html><body>" + b"x" * 50_000 + b"</body></html>")
    with pytest.raises(TooLargeError):
        fetch_page(server.url("/big"), settings(fetch__max_bytes=10_000))


def test_gzip_bomb_stops_at_the_cap(server: LocalServer) -> None:
    bomb = gzip.compress(b"<html><body>" + b"\0" * 30_000_000)
    server.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": "gzip"})
    started = time.monotonic()
    with pytest.raises(TooLargeError, match="after decompression"):
        fetch_page(server.url("/bomb"), settings(fetch__max_bytes=1_000_000))
    assert time.monotonic() - started < 10  # bounded by the cap, not by the 30 MB the bomb expands to


def test_brotli_bomb_stops_at_the_cap(server: LocalServer) -> None:
    bomb = brotli.compress(b"\0" * 60_000_000, quality=1)
    server.routes["/bomb"] = Route(bomb, headers={"Content-Encoding": "br"})
    with pytest.raises(TooLargeError):
        fetch_page(server.url("/bomb"), settings(fetch__max_bytes=1_000_000))


def test_corrupt_gzip_is_a_fetch_error(server: LocalServer) -> None:
    server.routes["/bad"] = Route(b"this is not gzip at all", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="corrupt"):
        fetch_page(server.url("/bad"))


def test_read_timeout(server: LocalServer) -> None:
    server.routes["/slow"] = Route(ARTICLE, delay=1.5)
    with pytest.raises(FetchError, match="read timeout"):
        fetch_page(server.url("/slow"), settings(fetch__read_timeout=0.3))


def test_slow_drip_hits_the_total_timeout(server: LocalServer) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(1000):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.1)

    server.routes["/drip"] = Route(handler=drip)
    with pytest.raises(FetchError, match="longer than 1s in all"):
        fetch_page(server.url("/drip"), settings(fetch__total_timeout=1.0))


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="connection refused"):
        fetch_page(f"http://127.0.0.1:{port}/")


def test_dns_failure_is_named() -> None:
    async def no_such_host(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchError, match="DNS lookup failed"):
        fetch_page("http://news.example.invalid/article", resolver=no_such_host)


def test_private_addresses_refused_unless_allowed(server: LocalServer) -> None:
    server.routes["/a"] = Route(ARTICLE)

    async def to_loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    url = f"http://innocent.example:{server.port}/a"
    with pytest.raises(FetchError, match="private or loopback"):
        fetch_page(url, allow_private=False, resolver=to_loopback)
    assert not server.log
    assert "Hello" in fetch_page(url, allow_private=True, resolver=to_loopback).html


def test_conditional_request_gets_304(server: LocalServer) -> None:
    server.routes["/a"] = Route(ARTICLE, etag='"v1"')
    first = fetch_page(server.url("/a"))
    assert first.etag == '"v1"'
    again = fetch_page(server.url("/a"), etag=first.etag)
    assert again.not_modified and again.html == ""
    assert server.hits("/a")[1].headers["if-none-match"] == '"v1"'
