"""Manners on top of `Fetcher`: robots.txt, per-host pacing and concurrency, retries, host backoff.

Each host has its own state (`HostState`): a semaphore for its concurrency and a pacer that spaces
request *starts* by the larger of `crawl.min_delay` and the host's Crawl-delay.  A Retry-After or a
backoff pauses the whole host (the pacer's next start moves), not just the one request, since the
server's complaint is about us, not about the URL.  A host failing `crawl.host_failures` times in a
row is paused for `crawl.host_backoff` seconds, doubling while it keeps failing; past
`fetch.max_retry_after` the host is given up for the round (`HostBackedOff`).  What is retried is
what the failure itself says is `transient`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from protego import Protego

from ..config import Settings
from ..errors import (
    AddressRefused,
    CrawlStopped,
    FetchError,
    HostBackedOff,
    HostNotFound,
    HostUnreachable,
    RobotsDisallowed,
    RobotsHostNotFound,
    RobotsHostUnreachable,
    RobotsUnavailable,
)
from ..models import Page
from ..urls import host_of, origin_of
from .client import FEED_TYPES, HTML_TYPES, Fetcher

__all__ = [
    "ONE_OFF_MAX_WAIT",
    "ONE_OFF_RETRIES",
    "HostState",
    "Polite",
    "Robots",
    "RobotsCache",
    "fetch_one",
    "retry_wait",
]

log = logging.getLogger(__name__)


# (url, status, bytes, seconds, error) of a request the politeness layer made on its own (robots.txt)
FetchReport = Callable[[str, int | None, int, float, str | None], None]


@dataclass
class Robots:
    """A parsed robots.txt and when it was fetched; None rules allow everything.  `unavailable` says
    why it could not be read (unreachable, 5xx): then nothing is fetched from the origin for now.
    `error` is what asking for a page of the origin raises meanwhile: a subclass when the host itself
    is the trouble (no address, no connection), `cause` the request's own failure."""

    rules: Protego | None
    fetched: float
    delay: float | None = None
    text: str = ""
    unavailable: str | None = None
    error: type[RobotsUnavailable] = RobotsUnavailable
    cause: str = ""


@dataclass
class HostState:
    """Pacing and health of one host; owned by that host's workers."""

    concurrency: int
    delay: float
    next_start: float = 0.0
    last_start: float = float("-inf")  # when a request to this host last actually went out
    failures: int = 0
    slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.slots = asyncio.Semaphore(self.concurrency)

    def reserve(self, now: float) -> float:
        """Claim the next start time; the caller sleeps until it.  Keeps starts `delay` apart."""
        start = max(now, self.next_start)
        self.next_start = start + self.delay
        return start

    def hold(self, until: float) -> None:
        """Nobody starts a request to this host before `until` (Retry-After, backoff)."""
        self.next_start = max(self.next_start, until)

    async def start(self) -> None:
        """Go out at least `delay` after the last request that actually went out.

        Reservations space the planned starts; on a loaded machine a request can wake late, and the
        next one, planned `delay` later, would then follow it closely.  Checked and stamped with no
        await in between, so two requests of one host can never pass it together.
        """
        while (gap := time.monotonic() - self.last_start) < self.delay:
            await asyncio.sleep(self.delay - gap)
        self.last_start = time.monotonic()


RobotsCache = dict[str, "Robots"]  # origin -> its robots.txt as last fetched


class Polite:
    """One crawl's polite view of the web: shared by the host workers of a round."""

    def __init__(
        self,
        fetcher: Fetcher,
        settings: Settings,
        *,
        global_slots: asyncio.Semaphore | None = None,
        report: FetchReport | None = None,
        robots: RobotsCache | None = None,
        stop: asyncio.Event | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.settings = settings
        self.stop = stop  # set: no request goes out any more, even one already waiting for its turn
        self.get = settings.get
        self.global_slots = global_slots or asyncio.Semaphore(self.get("crawl.concurrency"))
        self.report = report
        self.hosts: dict[str, HostState] = {}
        # robots.txt per origin; given by the caller (the daemon) it outlives the round, so each round
        # does not ask again before `crawl.robots_refresh`
        self._robots: RobotsCache = robots if robots is not None else {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._delayed: set[str] = set()  # origins whose Crawl-delay this round's host states carry
        fetcher.gate_subrequests(self.allowed)  # a browser's XHR to the site obeys its robots.txt too

    # ------------------------------------------------------------ robots.txt

    async def robots(self, url: str) -> Robots:
        """The robots.txt of `url`'s origin, fetched at most once per `crawl.robots_refresh`."""
        origin = origin_of(url)
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._robots.get(origin)
            if cached is None or time.time() - cached.fetched > self.get("crawl.robots_refresh"):
                cached = self._robots[origin] = await self._fetch_robots(origin)
                self._delayed.discard(origin)
            if origin not in self._delayed:  # a Crawl-delay read in an earlier round paces this one too
                self._delayed.add(origin)
                self.host(url).delay = max(self.get("crawl.min_delay"), cached.delay or 0.0)
            return cached

    async def _fetch_robots(self, origin: str) -> Robots:
        url = origin + "/robots.txt"
        started = time.perf_counter()
        try:
            page = await self._paced(url, accept=None)
        except CrawlStopped:
            raise  # not asked, so nothing to remember about it
        except FetchError as exc:
            elapsed = time.perf_counter() - started
            # RFC 9309: a missing robots.txt (4xx) allows everything; an unreachable one (or a 5xx)
            # disallows all, but only for a while (10 minutes), so one bad moment does not block the
            # host for a day.  It is reported as what it is, not as pages robots.txt disallows.
            if exc.status is not None and 400 <= exc.status < 500:
                self._report(url, exc.status, 0, elapsed, exc.reason)
                return Robots(None, time.time())
            retry_soon = time.time() - self.get("crawl.robots_refresh") + 600
            if isinstance(exc, AddressRefused):
                self._report(url, exc.status, 0, elapsed, exc.reason)
                return Robots(None, retry_soon)  # the page is refused alike, with the same reason
            reason = f"robots.txt unreachable: {exc.reason}"
            self._report(url, exc.status, 0, elapsed, reason)
            error = (
                RobotsHostNotFound
                if isinstance(exc, HostNotFound)
                else RobotsHostUnreachable
                if isinstance(exc, HostUnreachable)
                else RobotsUnavailable
            )
            return Robots(None, retry_soon, unavailable=reason, error=error, cause=exc.reason)
        self._report(url, page.status, page.size, page.elapsed, None)
        text = page.content.decode("utf-8", "replace")
        rules = Protego.parse(text)
        return Robots(rules, time.time(), rules.crawl_delay(self.settings.user_agent), text)

    async def check(self, url: str) -> None:
        """Raise `RobotsDisallowed` or `RobotsUnavailable` unless robots.txt lets us fetch `url`."""
        if not self.get("crawl.respect_robots"):
            return
        robots = await self.robots(url)
        if robots.unavailable:
            # a host without an address stays so for a while: no retry in a moment would help
            transient = robots.error is not RobotsHostNotFound
            raise robots.error(url, robots.unavailable, cause=robots.cause, transient=transient)
        if robots.rules is not None and not robots.rules.can_fetch(url, self.settings.user_agent):
            raise RobotsDisallowed(url, "robots.txt disallows it")

    async def allowed(self, url: str) -> bool:
        try:
            await self.check(url)
        except (RobotsDisallowed, RobotsUnavailable, CrawlStopped):
            return False
        return True

    def _report(self, url: str, status: int | None, size: int, seconds: float, error: str | None) -> None:
        if self.report is not None:
            self.report(url, status, size, seconds, error)

    # ------------------------------------------------------------ fetching

    def host(self, url: str) -> HostState:
        name = host_of(url)
        state = self.hosts.get(name)
        if state is None:
            state = self.hosts[name] = HostState(self.get("crawl.per_host_concurrency"), self.get("crawl.min_delay"))
        return state

    async def fetch(
        self, url: str, *, kind_html: bool = True, etag: str | None = None, last_modified: str | None = None
    ) -> Page:
        """A polite GET: robots.txt obeyed, host paced, transient failures retried with backoff."""
        await self.check(url)
        accept = HTML_TYPES if kind_html else FEED_TYPES
        host = self.host(url)
        retries = self.get("fetch.retries")
        for attempt in range(retries + 1):
            try:
                page = await self._paced(url, accept=accept, etag=etag, last_modified=last_modified)
            except FetchError as exc:
                if not exc.transient:
                    raise
                host.failures += 1
                if exc.retry_after is not None:  # the server said when: no URL of the host before then
                    host.hold(time.monotonic() + exc.retry_after)
                try:
                    if attempt == retries:
                        self._back_off(url, host, exc)
                        raise
                    self._wait_before_retry(url, host, exc, attempt)
                finally:
                    await self.host_changed(url, host)
                continue
            if host.failures:
                host.failures = 0
                await self.host_changed(url, host)
            return page
        raise AssertionError("unreachable")

    async def host_changed(self, url: str, host: HostState) -> None:
        """The host's failure count or pause changed; where they are shared (`RedisPolite`), say so now."""

    def _wait_before_retry(self, url: str, host: HostState, exc: FetchError, attempt: int) -> None:
        wait = retry_wait(url, exc, attempt, self.get("fetch.backoff"), self.get("fetch.max_retry_after"))
        log.info("retrying %s in %.2fs after: %s", url, wait, exc.reason)
        host.hold(time.monotonic() + wait)

    def _back_off(self, url: str, host: HostState, exc: FetchError) -> None:
        over = host.failures - self.get("crawl.host_failures")
        if over < 0:
            return
        pause = self.get("crawl.host_backoff") * 2 ** min(over, 20)
        log.warning("%s keeps failing (%d in a row): pausing it %.0fs", host_of(url), host.failures, pause)
        host.hold(time.monotonic() + pause)

    async def _paced(
        self, url: str, *, accept: tuple[str, ...] | None, etag: str | None = None, last_modified: str | None = None
    ) -> Page:
        host = self.host(url)
        async with host.slots:
            start = host.reserve(time.monotonic())
            wait = start - time.monotonic()
            if wait > self.get("fetch.max_retry_after"):
                host.next_start = start  # give the reservation back to the pause
                raise HostBackedOff(url, f"host paused for {wait:.0f}s after repeated failures")
            if wait > 0:
                await asyncio.sleep(wait)
            async with self.global_slots:
                await host.start()
                if self.stop is not None and self.stop.is_set():  # told to stop while it waited its turn
                    raise CrawlStopped(url, "the crawl was stopped before this request went out")
                return await self.fetcher.fetch(url, etag=etag, last_modified=last_modified, accept=accept)


def retry_wait(url: str, exc: FetchError, attempt: int, backoff: float, cap: float) -> float:
    """Seconds to wait before retrying `url` after the transient failure `exc` of try `attempt` (0
    first): the server's Retry-After, else `backoff` doubling each attempt with jitter, never over
    `cap`.  A Retry-After over `cap` is not waited for: it becomes the error, saying so."""
    if exc.retry_after is not None:
        if exc.retry_after > cap:
            raise FetchError(
                url,
                f"{exc.reason}; Retry-After {exc.retry_after:g}s is over the {cap:g}s cap",
                status=exc.status,
                transient=exc.transient,
            ) from None
        return exc.retry_after
    return min(backoff * 2.0**attempt * random.uniform(0.5, 1.5), cap)


ONE_OFF_RETRIES = 2  # a one-off fetch tries a transient failure again at most this often (and `fetch.retries`)
ONE_OFF_MAX_WAIT = 10.0  # nor waits longer than this (and `fetch.max_retry_after`) before a retry


async def fetch_one(fetcher: Fetcher, settings: Settings, url: str, *, ignore_robots: bool = False) -> Page:
    """One GET of a URL a user named (`scraper fetch`): robots.txt obeyed unless `ignore_robots`, no
    pacing (it is one request).

    What the crawl retries (a failure that says it is `transient`: a timeout, a dropped or refused
    connection, 429, 5xx, a robots.txt unreachable for one of those) is tried again, at most
    `ONE_OFF_RETRIES` times, after `fetch.backoff` doubling or the server's Retry-After, each wait at
    most `ONE_OFF_MAX_WAIT` seconds.  Retries end within `fetch.total_timeout` of the start, so they
    never make the command take longer than one try of robots.txt and the page may.
    """
    get = settings.get
    retries = min(get("fetch.retries"), ONE_OFF_RETRIES)
    cap = min(get("fetch.max_retry_after"), ONE_OFF_MAX_WAIT)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + get("fetch.total_timeout")
    robots_read = ignore_robots
    failure: FetchError | None = None  # the last transient failure, when retrying
    for attempt in range(retries + 1):
        try:
            async with asyncio.timeout_at(deadline if failure is not None else None):
                if not robots_read:  # a new Polite: a robots.txt that could not be read is asked again
                    await Polite(fetcher, settings).check(url)
                    robots_read = True
                return await fetcher.fetch(url)
        except TimeoutError:  # the retries' deadline (the client turns its own timeouts into FetchErrors)
            assert failure is not None
            total = get("fetch.total_timeout")
            reason = f"{failure.reason} (retries gave up after {total:g}s in all)"
            raise type(failure)(url, reason, status=failure.status) from None
        except FetchError as exc:
            if not exc.transient or attempt == retries:
                raise
            wait = retry_wait(url, exc, attempt, get("fetch.backoff"), cap)
            if loop.time() + wait >= deadline:
                raise
            log.info("retrying %s in %.2fs after: %s", url, wait, exc.reason)
            await asyncio.sleep(wait)
            failure = exc
    raise AssertionError("unreachable")
