"""The archive writer: the only code of a crawl that writes, fed plain records through a queue.

It runs in its own thread with its own SQLite connection, so archive writes (which release the
GIL inside SQLite) overlap with fetching and extraction in the event loop.  Every record is
idempotent to apply: a result delivered twice adds no version (the content hash decides) and only
re-logs a fetch.  Frontier updates are batched into one transaction per drained queue; a crash
between a save and its frontier update only means the URL is fetched again, conditionally.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..archive.ingest import save_extracted
from ..archive.store import Archive
from ..config import Config, Site, parse_revisit
from ..discover import ARTICLE, Link
from ..models import Article, Digest, Page
from ..notify import Alerts
from .frontier import Frontier, Task, Update, next_revisit

__all__ = ["Event", "Result", "Writer"]

log = logging.getLogger("scraper.crawl")


@dataclass(frozen=True, slots=True)
class Result:
    """What a host worker made of one due URL.

    outcome: "page" (fetched and processed), "not-modified" (304), "error", "disallowed" (robots.txt).
    """

    task: Task
    outcome: str
    status: int | None = None
    size: int = 0
    elapsed: float = 0.0
    final_url: str | None = None
    page: Page | None = None  # only for articles, to save
    article: Article | None = None
    digest: Digest | None = None  # computed where the article was extracted
    links: tuple[Link, ...] = ()
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    at: float = field(default_factory=time.time)


@dataclass(frozen=True, slots=True)
class Event:
    """One accounted request, for progress display and logs: outcome is new, changed, unchanged,
    not-modified, error, disallowed, or the kind of a discovery page (listing, feed, sitemap, robots)."""

    site: str
    url: str
    outcome: str
    status: int | None
    size: int
    version: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Seed:
    site: str
    links: tuple[Link, ...]
    discovered: bool  # False: start URLs (due now); True: found links (the usual rules)
    round_start: float


@dataclass(frozen=True, slots=True)
class _AllDue:
    site: str


@dataclass(frozen=True, slots=True)
class _Logged:
    site: str
    url: str
    outcome: str
    status: int | None
    size: int
    elapsed: float
    error: str | None


@dataclass(frozen=True, slots=True)
class _Barrier:
    done: threading.Event


_STOP = object()


class Writer:
    """Applies records in a thread; `put`/`flush`/`close` are awaited from the event loop."""

    def __init__(self, db_path: Path | str, config: Config, report: Callable[[Event], None] | None = None) -> None:
        self.db_path = Path(db_path)
        self.config = config
        self.report = report
        self.counts: dict[str, Counter[str]] = {}
        self._queue: queue.Queue[object] = queue.Queue(maxsize=256)
        self._pending: list[Update] = []
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="archive-writer", daemon=True)
        self._sites: dict[str, Site] = {}
        self._ready = threading.Event()
        self._round_start: dict[str, float] = {}
        self.alerts = Alerts(config)  # sent from their own thread, after each save has committed

    def start(self) -> Writer:
        self._thread.start()
        self._ready.wait()
        self._raise()
        return self

    def register(self, site: Site) -> None:
        self._sites[site.name] = site
        self.counts.setdefault(site.name, Counter())

    # ------------------------------------------------------------ event-loop side

    async def put(self, record: object) -> None:
        self._raise()
        try:
            self._queue.put_nowait(record)
        except queue.Full:
            await asyncio.to_thread(self._queue.put, record)

    async def seed(self, site: str, links: list[Link], *, discovered: bool, round_start: float) -> None:
        await self.put(_Seed(site, tuple(links), discovered, round_start))

    async def all_due(self, site: str) -> None:
        await self.put(_AllDue(site))

    def log_request(self, site: str, url: str, status: int | None, size: int, elapsed: float, err: str | None) -> None:
        """A request made by the politeness layer itself (robots.txt); logged like any other."""
        failed = err is not None and (status is None or status >= 500)
        self._queue.put(_Logged(site, url, "error" if failed else "robots", status, size, elapsed, err))

    async def flush(self) -> None:
        """Wait until everything put so far is written."""
        barrier = _Barrier(threading.Event())
        await self.put(barrier)
        await asyncio.to_thread(barrier.done.wait)
        self._raise()

    async def close(self) -> None:
        if self._thread.is_alive():
            await self.put(_STOP)
            await asyncio.to_thread(self._thread.join)
        await asyncio.to_thread(self.alerts.close)
        self._raise()

    def _raise(self) -> None:
        if self._failure is not None:
            raise self._failure

    # ------------------------------------------------------------ writer thread

    def _run(self) -> None:
        try:
            archive = Archive(self.db_path)
            frontier = Frontier(archive)
        except BaseException as exc:  # handed to the event loop
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        with archive:
            while True:
                record = self._queue.get()
                if record is _STOP:
                    self._flush_updates(frontier)
                    return
                try:
                    self._apply(archive, frontier, record)
                    if self._queue.empty() or len(self._pending) >= 200:
                        self._flush_updates(frontier)
                except BaseException as exc:  # handed to the event loop
                    log.exception("archive writer failed")
                    self._failure = exc
                if isinstance(record, _Barrier):
                    record.done.set()

    def _flush_updates(self, frontier: Frontier) -> None:
        if self._pending:
            frontier.apply(self._pending)
            self._pending = []

    def _apply(self, archive: Archive, frontier: Frontier, record: object) -> None:
        now = time.time()
        if isinstance(record, Result):
            self._result(archive, frontier, record)
        elif isinstance(record, _Seed):
            self._round_start.setdefault(record.site, record.round_start)
            if record.discovered:
                frontier.add(record.site, record.links, now, record.round_start)
            else:
                frontier.seed(record.site, record.links, now)
        elif isinstance(record, _AllDue):
            frontier.make_all_due(record.site, now)
        elif isinstance(record, _Logged):
            archive.record_fetch(
                record.url,
                record.outcome,
                status=record.status,
                error=record.error,
                size=record.size,
                duration=record.elapsed,
            )
            self._emit(Event(record.site, record.url, record.outcome, record.status, record.size, error=record.error))

    def _emit(self, event: Event) -> None:
        counts = self.counts.setdefault(event.site, Counter())
        if event.outcome != "disallowed":
            counts["fetched"] += 1
            counts["bytes"] += event.size
        key = {"not-modified": "not_modified", "error": "errors", "disallowed": "skipped"}.get(event.outcome)
        counts[key or (event.outcome if event.outcome in ("new", "changed", "unchanged") else "discovery")] += 1
        if event.outcome == "error":
            log.info("error %s (%s): %s", event.url, event.status, event.error)
        else:
            log.info("%s %s (%s, %d bytes)", event.outcome, event.url, event.status, event.size)
        if self.report is not None:
            self.report(event)

    def _result(self, archive: Archive, frontier: Frontier, r: Result) -> None:
        task, site = r.task, self._sites[r.task.site]
        if r.outcome == "error":
            self._failed(archive, r)
            return
        if r.outcome == "disallowed":
            archive.record_fetch(task.url, "disallowed", error=r.error)
            again = r.at + self.config.settings.get("crawl.robots_refresh")
            self._pending.append(Update(task.url, "disallowed", again, r.at, error=r.error))
            self._emit(Event(task.site, task.url, "disallowed", None, 0, error=r.error))
            return
        published = r.article.published if r.article else task.published
        if task.kind == ARTICLE:
            schedule = (
                site.revisit if site.revisit is not None else parse_revisit(self.config.settings.get("crawl.revisit"))
            )
            due = next_revisit(schedule, r.at, task.first_fetched or r.at, published)
        else:
            due = None  # listings, feeds, sitemaps: due again when a start URL lists them next round
        if r.outcome == "not-modified":
            archive.record_fetch(task.url, "not-modified", status=r.status, final_url=r.final_url, duration=r.elapsed)
            self._emit(Event(task.site, task.url, "not-modified", r.status, 0))
        elif task.kind == ARTICLE and r.page is not None and r.article is not None:
            saved = save_extracted(archive, r.article, r.page, self.config, site, r.digest)
            self.alerts.saved(site, r.article.title, r.page.final_url, saved)
            self._emit(Event(task.site, task.url, saved.status, r.status, r.size, version=saved.version))
        else:
            archive.record_fetch(
                task.url, task.kind, status=r.status, final_url=r.final_url, size=r.size, duration=r.elapsed
            )
            frontier.add(task.site, r.links, r.at, self._round_start.get(task.site, r.at))
            self._emit(Event(task.site, task.url, task.kind, r.status, r.size))
        self._pending.append(Update(task.url, "done", due, r.at, r.etag, r.last_modified, 0, None, published))

    def _failed(self, archive: Archive, r: Result) -> None:
        task, get = r.task, self.config.settings.get
        archive.record_fetch(
            task.url, "error", status=r.status, error=r.error, final_url=r.final_url, size=r.size, duration=r.elapsed
        )
        attempts = task.attempts + 1
        if r.status in (404, 410):
            state, due = "gone", None
        elif attempts >= get("crawl.max_attempts"):
            state, due = "failed", None
        else:
            state, due = "error", r.at + get("crawl.retry_failed") * 2 ** (attempts - 1)
        self._pending.append(Update(task.url, state, due, r.at, attempts=attempts, error=r.error))
        self._emit(Event(task.site, task.url, "error", r.status, r.size, error=r.error))
