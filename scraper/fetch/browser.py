"""A fetcher that renders pages in headless Chromium, for sites that build their article or comments
with JavaScript (`render = "browser"` in a site file).  Needs the `browser` extra (Playwright) and a
Chromium binary (`/usr/bin/chromium`, Debian's package; Playwright's own download is never used).

It is a `Fetcher`: robots.txt, feeds and sitemaps are still fetched over plain HTTP, and the crawl's
robots, pacing and retry rules (`fetch.pacing`) wrap a rendered page exactly as they wrap a request.
Inside the browser the same limits hold:

- every request the page makes is intercepted; one to a non-http(s) URL, or to a host resolving to
  a private or loopback address the site does not allow (`allow_private`), is aborted;
- the bytes the page loads are counted, requests past `fetch.max_bytes` are aborted and the page
  fails as too large; the rendered DOM is capped the same way;
- the whole load, scripts included, must finish within `fetch.total_timeout`.

What is archived is the rendered DOM (`page.content()`), as UTF-8.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ..config import Settings, Site
from ..errors import (
    AddressRefused,
    BadStatusError,
    FetchError,
    HostNotFound,
    HostUnreachable,
    NotHTMLError,
    TooLargeError,
)
from ..models import Page
from .client import HTML_TYPES, RETRY_STATUSES, Fetcher, check_scheme
from .guard import AddressPolicy

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "BrowserFetcher"]

log = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--mute-audio",
)
SETTLE = 5.0  # seconds at most to wait, after "load", for the page's own requests to go quiet


class _Budget:
    """What one page load may still do: bytes, and whether it went over."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.spent = 0
        self.over = False
        self.refused: list[str] = []

    def add(self, n: int) -> None:
        self.spent += max(0, n)
        self.over = self.over or self.spent > self.cap


class BrowserFetcher(Fetcher):
    """`fetch` of an HTML page renders it in Chromium; everything else is a plain HTTP request."""

    def __init__(self, settings: Settings | None = None, *, allow_private: bool = True, site: Site | None = None):
        super().__init__(settings, allow_private=allow_private, site=site)
        self._allow_private = allow_private
        self._launched: Any = None  # (playwright, browser), started on first use
        self._lock = asyncio.Lock()
        self._verdicts: dict[str, str | None] = {}  # host -> None if allowed, else why not
        self._robots_allow: Callable[[str], Awaitable[bool]] | None = None

    def gate_subrequests(self, allowed: Callable[[str], Awaitable[bool]]) -> None:
        """Requests a page makes to its own host go through `allowed` (robots.txt).  Other hosts'
        assets (CDNs, fonts) are address-checked and capped but not asked for their robots.txt, and
        sub-requests are not paced: a page load is one visit, as a reader's browser makes it."""
        self._robots_allow = allowed

    async def aclose(self) -> None:
        if self._launched is not None:
            playwright, browser = self._launched
            self._launched = None
            try:
                await browser.close()
            finally:
                await playwright.stop()
        await super().aclose()

    async def _browser(self) -> Any:
        async with self._lock:
            if self._launched is None:
                try:
                    from playwright.async_api import async_playwright
                except ImportError:
                    raise FetchError(
                        "", "render = 'browser' needs the browser extra: pip install 'newsarchive[browser]'"
                    ) from None
                playwright = await async_playwright().start()
                try:
                    browser = await playwright.chromium.launch(
                        executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
                    )
                except Exception as exc:
                    await playwright.stop()
                    raise FetchError("", f"cannot start Chromium at {CHROMIUM}: {exc}") from None
                self._launched = (playwright, browser)
            return self._launched[1]

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: tuple[str, ...] | None = HTML_TYPES,
    ) -> Page:
        if accept != HTML_TYPES:  # robots.txt, feeds, sitemaps: plain HTTP
            return await super().fetch(url, etag=etag, last_modified=last_modified, accept=accept)
        check_scheme(url, url)
        reason = await self._refusal(url)
        if reason:
            raise AddressRefused(url, reason)
        total = self.settings.get("fetch.total_timeout")
        started = time.perf_counter()
        try:
            async with asyncio.timeout(total):
                page = await self._render(url, started + total)
        except TimeoutError:
            raise FetchError(url, f"the browser took longer than {total:g}s in all", transient=True) from None
        log.info("RENDER %s -> %s (%d bytes, %.2fs)", url, page.status, page.size, page.elapsed)
        return page

    async def _refusal(self, url: str) -> str | None:
        """Why the browser must not request `url` (scheme, private address), or None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"{parts.scheme or 'no scheme'!r} requests are not made"
        host = parts.hostname or ""
        if self._allow_private or not host:
            return None
        if host not in self._verdicts:
            try:
                await AddressPolicy().resolve(host, parts.port or 80)
                self._verdicts[host] = None
            except AddressRefused as exc:
                self._verdicts[host] = exc.reason
            except FetchError:
                self._verdicts[host] = None  # no such host: the browser says so itself
        return self._verdicts[host]

    async def _render(self, url: str, deadline: float) -> Page:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import Route

        browser = await self._browser()
        site = self.site
        options: dict[str, Any] = {
            "user_agent": self.user_agent,
            "service_workers": "block",
            "accept_downloads": False,
            "extra_http_headers": dict(site.headers) if site else {},
        }
        if site is not None and site.proxy:
            options["proxy"] = {"server": site.proxy}
        context = await browser.new_context(**options)
        budget = _Budget(self.settings.get("fetch.max_bytes"))
        pending: set[asyncio.Task[None]] = set()
        try:
            if site is not None and site.cookies:
                origins = {f"{urlsplit(url).scheme}://{d}" for d in site.domains()} | {_origin(url)}
                await context.add_cookies(
                    [{"name": k, "value": v, "url": origin} for origin in origins for k, v in site.cookies]
                )

            async def guard(route: Route) -> None:
                target = route.request.url
                why = "over the byte cap" if budget.over else await self._refusal(target)
                if not why and target != url and self._robots_allow and _origin(target) == _origin(url):
                    why = None if await self._robots_allow(target) else "robots.txt disallows it"
                if why:
                    budget.refused.append(f"{target}: {why}")
                    await route.abort("blockedbyclient")
                else:
                    await route.continue_()

            async def count(request: Any) -> None:
                sizes = await request.sizes()
                budget.add(int(sizes.get("responseBodySize", 0)) + int(sizes.get("responseHeadersSize", 0)))

            def finished(request: Any) -> None:
                task = asyncio.ensure_future(count(request))
                pending.add(task)
                task.add_done_callback(pending.discard)

            await context.route("**/*", guard)
            tab = await context.new_page()
            tab.on("requestfinished", finished)
            started = time.perf_counter()
            try:
                response = await tab.goto(url, wait_until="load", timeout=max(1.0, deadline - started) * 1000)
            except PlaywrightError as exc:
                raise _failure(url, exc) from None
            if response is None:
                raise FetchError(url, "the browser got no response")
            with contextlib.suppress(PlaywrightError):
                await tab.wait_for_load_state(
                    "networkidle", timeout=max(0.1, min(SETTLE, deadline - time.perf_counter())) * 1000
                )
            headers = {k.lower(): v for k, v in (await response.all_headers()).items()}
            status = response.status
            if status >= 400:
                raise BadStatusError(
                    url,
                    f"HTTP {status} {response.status_text}".strip(),
                    status=status,
                    transient=status in RETRY_STATUSES,
                )
            media = headers.get("content-type", "").split(";")[0].strip().lower()
            if media and media not in HTML_TYPES:
                raise NotHTMLError(url, f"content type {media!r} is not HTML", status=status)
            html = await tab.content()
            final = tab.url
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
        finally:
            await context.close()
        content = html.encode("utf-8")
        if budget.over or len(content) > budget.cap:
            raise TooLargeError(url, f"the page loaded over the {budget.cap:,}-byte cap", status=status)
        for refused in budget.refused:
            log.info("browser request aborted: %s", refused)
        headers = {k: v for k, v in headers.items() if k not in ("content-encoding", "content-length")}
        headers["content-type"] = "text/html; charset=utf-8"
        elapsed = time.perf_counter() - started
        return Page(url, final, status, headers, html, "utf-8", datetime.now(UTC), elapsed, content)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _failure(url: str, exc: Exception) -> FetchError:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "ERR_CONNECTION_REFUSED" in text:
        return HostUnreachable(url, "connection refused", transient=True)
    if "ERR_NAME_NOT_RESOLVED" in text:
        return HostNotFound(url, "DNS lookup failed (no such host)")
    if "Timeout" in text:
        return FetchError(url, f"browser timeout: {text}", transient=True)
    return FetchError(url, f"browser: {text}", transient=True)
