"""The HTTP client: one request in, one decoded `Page` out, or a `FetchError` saying why not.

Limits hold whatever the server does: connect/read/total timeouts, at most `max_redirects`
redirects (loops and non-http targets refused), the body capped *after* decompression while it
streams, and only HTML accepted where HTML is expected.  Politeness (robots.txt, pacing, retries)
lives in `scraper.fetch.pacing`, on top of this.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpx

from ..config import Settings, Site
from ..errors import BadStatusError, FetchError, HostNotFound, HostUnreachable, NotHTMLError, TooLargeError
from ..models import Page
from .decode import DecodeLimitError, Decompressor, decode_html
from .guard import GuardedTransport, Resolver
from .jar import LeanClient

__all__ = ["FEED_TYPES", "HTML_TYPES", "Fetcher", "fetch_page", "make_fetcher", "own_origin", "parse_retry_after"]

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/x-gzip",
    "application/gzip",
    "application/octet-stream",
    "text/plain",
    *HTML_TYPES,
)
_REDIRECTS = {301, 302, 303, 307, 308}
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})  # worth asking again; a 404 or 403 is not


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _sniff_html(head: bytes) -> bool:
    sample = head[:1024].lstrip().lower()
    return sample.startswith((b"<!doctype html", b"<html", b"<head", b"<!--", b"<meta", b"<body"))


def _transport(
    http: str,
    resolver: Resolver | None,
    allow_private: bool,
    trusted: Iterable[tuple[str, int]] = (),
    proxy: str | None = None,
) -> httpx.AsyncBaseTransport:
    """The address-guarded transport: aiohttp underneath (benchmarks/transports.py: ~0.7 ms of CPU
    per page against ~2.1 ms for httpcore's pool), or httpx's own, which a site's proxy needs."""
    if http == "httpx" or proxy is not None:
        return GuardedTransport(resolver=resolver, allow_private=allow_private, trusted=trusted, proxy=proxy)
    if http != "aiohttp":
        raise ValueError(f'fetch.http is "aiohttp" or "httpx", not {http!r}')
    from .aio import GuardedAiohttpTransport

    return GuardedAiohttpTransport(resolver=resolver, allow_private=allow_private, trusted=trusted)


class Fetcher:
    """An async HTTP client configured from `Settings`; use as `async with Fetcher(settings) as f`."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        allow_private: bool = True,
        trusted: Iterable[tuple[str, int]] = (),
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        site: Site | None = None,
    ):
        """`allow_private=False` refuses hosts that resolve to loopback/private addresses, except the
        (host, port) pairs in `trusted`: the URL a user typed, never what it redirects to.  A `site`
        adds its own headers, User-Agent and proxy to every request, and its cookies to requests to
        its hosts."""
        self.settings = settings or Settings()
        self.site = site
        get = self.settings.get
        self.user_agent = (site.user_agent if site else None) or self.settings.user_agent
        self._cookie = "; ".join(f"{k}={v}" for k, v in site.cookies) if site else ""
        timeout = httpx.Timeout(
            connect=get("fetch.connect_timeout"), read=get("fetch.read_timeout"), write=30.0, pool=None
        )
        self._client = LeanClient(
            headers={
                "User-Agent": self.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                "Accept-Encoding": "gzip, deflate, br",
                "Accept-Language": "*",
                **dict(site.headers if site else ()),
            },
            timeout=timeout,
            follow_redirects=False,
            transport=transport
            or _transport(get("fetch.http"), resolver, allow_private, trusted, site.proxy if site else None),
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def gate_subrequests(self, allowed: Callable[[str], Awaitable[bool]]) -> None:
        """Plain HTTP makes no sub-requests; a fetcher that renders pages asks `allowed` before its own."""

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: tuple[str, ...] | None = HTML_TYPES,
    ) -> Page:
        """GET `url`, following redirects; a 304 comes back as a Page with `not_modified` set."""
        check_scheme(url, url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.settings.get("fetch.total_timeout")):
                page = await self._follow(url, headers, accept)
        except TimeoutError:
            total = self.settings.get("fetch.total_timeout")
            raise FetchError(url, f"took longer than {total:g}s in all", transient=True) from None
        except httpx.HTTPError as exc:
            raise _classify(url, exc, self.settings) from None
        elapsed = time.perf_counter() - started
        log.debug("GET %s -> %s (%d bytes, %.2fs)", url, page.status, page.size, elapsed)  # the crawl logs the page
        return Page(
            url=url,
            final_url=page.final_url,
            status=page.status,
            headers=page.headers,
            html=page.html,
            encoding=page.encoding,
            fetched_at=page.fetched_at,
            elapsed=elapsed,
            content=page.content,
        )

    async def _follow(self, url: str, headers: Mapping[str, str], accept: tuple[str, ...] | None) -> Page:
        seen = {url}
        current = url
        for _ in range(self.settings.get("fetch.max_redirects") + 1):
            sent = dict(headers)
            if self._cookie and self.site is not None and self.site.owns(current):
                sent["Cookie"] = self._cookie
            async with self._client.stream("GET", current, headers=sent) as response:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    target = urljoin(current, response.headers["location"].strip())
                    check_scheme(url, target)
                    if target in seen:
                        raise FetchError(url, f"redirect loop at {target}")
                    seen.add(target)
                    current = target
                    continue
                return await self._read(url, response, accept)
        raise FetchError(url, f"more than {self.settings.get('fetch.max_redirects')} redirects")

    async def _read(self, url: str, response: httpx.Response, accept: tuple[str, ...] | None) -> Page:
        status = response.status_code
        final = str(response.url)
        headers = {k.lower(): v for k, v in response.headers.items()}
        if status == 304:
            return Page(url, final, status, headers, "", "", content=b"")
        if status >= 400:
            raise BadStatusError(
                url,
                f"HTTP {status} {response.reason_phrase}".strip(),
                status=status,
                retry_after=parse_retry_after(headers.get("retry-after")),
                transient=status in RETRY_STATUSES,
            )
        content_type = headers.get("content-type", "")
        media = content_type.split(";")[0].strip().lower()
        if accept is not None and media and media not in accept:
            raise NotHTMLError(url, f"content type {media!r} is not HTML", status=status)
        cap = self.settings.get("fetch.max_bytes")
        declared = headers.get("content-length", "")
        if declared.isdigit() and "content-encoding" not in headers and int(declared) > cap:
            raise TooLargeError(url, f"body of {int(declared):,} bytes is over the {cap:,}-byte cap", status=status)
        body = await self._body(url, response, cap, status)
        if accept is not None and not media and not _sniff_html(body):
            raise NotHTMLError(url, "no content type and the body does not look like HTML", status=status)
        text, encoding = decode_html(body, content_type)
        return Page(url, final, status, headers, text, encoding, datetime.now(UTC), content=body)

    async def _body(self, url: str, response: httpx.Response, cap: int, status: int) -> bytes:
        try:
            decoder = Decompressor(response.headers.get("content-encoding"), cap)
            parts: list[bytes] = []
            async for raw in response.aiter_raw():
                parts.extend(decoder.feed(raw))
        except DecodeLimitError as exc:
            if exc.over_cap:
                raise TooLargeError(url, str(exc), status=status) from None
            raise FetchError(url, str(exc), status=status) from None
        return b"".join(parts)


def own_origin(url: str) -> tuple[str, int]:
    """(host, port) of `url`, the port made explicit: what "the URL the user typed" trusts."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port or (443 if parts.scheme.lower() == "https" else 80)


def check_scheme(url: str, target: str) -> None:
    """`FetchError` unless `target` (`url` itself, or where it redirects) is http(s)."""
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        where = "URL" if url == target else f"redirect to {target}"
        raise FetchError(url, f"{where}: only http and https are fetched, not {scheme or 'no scheme'!r}")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what caused it, nearest first."""
    seen: BaseException | None = exc
    for _ in range(10):  # the chain is short; the bound guards against cycles
        if seen is None:
            return
        yield seen
        seen = seen.__cause__ or seen.__context__


def _classify(url: str, exc: httpx.HTTPError, settings: Settings) -> FetchError:
    """One typed error for an httpx failure: a human reason (what a user can act on, not the
    exception class), and `transient` for what is worth retrying: timeouts and dropped connections."""
    for link in _chain(exc):
        ours = getattr(link, "scraper_error", None)
        if isinstance(ours, FetchError):  # the address guard's verdict on the host (fetch.guard)
            return type(ours)(url, ours.reason, transient=ours.transient)
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout):
        return HostUnreachable(url, f"connect timeout after {settings.get('fetch.connect_timeout'):g}s", transient=True)
    if isinstance(exc, httpx.ReadTimeout):
        return FetchError(url, f"read timeout after {settings.get('fetch.read_timeout'):g}s", transient=True)
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(url, f"timeout ({text})", transient=True)
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(link, ConnectionRefusedError) for link in _chain(exc)):
            return HostUnreachable(url, "connection refused", transient=True)
        tls = [link for link in _chain(exc) if isinstance(link, ssl.SSLError)]
        if tls:  # a certificate problem is not worth retrying; neither is plain HTTP on port 443
            root = tls[-1]
            detail = getattr(root, "verify_message", None) or getattr(root, "reason", None) or root.strerror
            return FetchError(url, f"TLS handshake failed: {str(detail or root).replace('_', ' ').lower()}")
        low = text.lower()
        if (
            low.startswith("dns lookup failed")
            or "name or service not known" in low
            or "nodename nor servname" in low
            or "name resolution" in low
            or "no address associated" in low
            or "getaddrinfo" in low
        ):
            return HostNotFound(url, "DNS lookup failed (no such host)")
        if "refused" in low:
            return HostUnreachable(url, "connection refused", transient=True)
        return HostUnreachable(url, f"cannot connect: {text}", transient=True)
    if isinstance(exc, httpx.RemoteProtocolError):
        return FetchError(url, f"server broke the response: {text}", transient=True)
    if isinstance(exc, httpx.ReadError):
        return FetchError(url, f"connection lost while reading: {text or 'reset by peer'}", transient=True)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FetchError(url, f"invalid URL: {text}")
    return FetchError(url, f"{type(exc).__name__}: {text}")


def make_fetcher(
    settings: Settings, site: Site, *, allow_private: bool | None = None, trusted: Iterable[tuple[str, int]] = ()
) -> Fetcher:
    """The fetcher a site asks for: HTTP with its headers, cookies and proxy, or a headless browser
    (`render = "browser"`, `scraper.fetch.browser`) under the same limits.  `trusted` (host, port)
    pairs may be private besides the site's own (a URL the user typed)."""
    private = site.allow_private if allow_private is None else allow_private
    if site.render == "browser":
        from .browser import BrowserFetcher

        return BrowserFetcher(settings, allow_private=private, site=site)
    return Fetcher(settings, allow_private=private, trusted=(*site.trusted, *trusted), site=site)


def fetch_page(
    url: str,
    settings: Settings | None = None,
    *,
    allow_private: bool | None = None,
    resolver: Resolver | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Page:
    """Synchronous one-off fetch, for the CLI and scripts.

    By default (`allow_private=None`) the URL's own host and port may be private, since the user
    named them, but a redirect to any other private address is refused.
    """
    trusted = [own_origin(url)] if allow_private is None else []

    async def run() -> Page:
        async with Fetcher(settings, allow_private=bool(allow_private), trusted=trusted, resolver=resolver) as fetcher:
            return await fetcher.fetch(url, etag=etag, last_modified=last_modified)

    return asyncio.run(run())
