"""The archive writer: the only code of a crawl that writes, fed plain records through a queue.

It runs in its own thread with its own SQLite connection, so archive writes (which release the
GIL inside SQLite) overlap with fetching and extraction in the event loop.  Every record is
idempotent to apply: a result delivered twice adds no version (the content hash decides) and only
re-logs a fetch.

Records are applied in batches, one transaction each: at most `BATCH_RESULTS` results or
`BATCH_SECONDS` from the batch's first record, and a `flush` ends the batch at once.  Each record
is a savepoint inside it (a failed save is undone alone), and the frontier updates of a batch's
results are written in the same transaction as their saves, so a kill at any moment leaves every
committed batch whole and the frontier never marks done a URL whose save was lost.  Alerts go out
only once their save has committed.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..archive.ingest import save_extracted
from ..archive.store import Archive, SaveResult
from ..classify import Markup
from ..config import Config, Site
from ..discover import Link
from ..models import Article, Counts, Digest, Evidence, Outcome, Page, PageKind, UrlState
from ..notify import Alerts
from .frontier import Frontier, Task, Update
from .schedule import after_disallowed, after_failure, after_fetch, revisit_schedule

__all__ = ["Event", "Result", "Writer"]

log = logging.getLogger("scraper.crawl")


@dataclass(frozen=True, slots=True)
class Result:
    """What a host worker made of one due URL.

    outcome: None for a page fetched and processed (the writer decides what it was), else
    NOT_MODIFIED (a 304), ERROR or DISALLOWED (robots.txt).  `page` is the response whenever there
    was one, also for a page that then failed extraction.
    """

    task: Task
    outcome: Outcome | None = None
    page: Page | None = None
    article: Article | None = None
    digest: Digest | None = None  # computed where the article was extracted
    links: tuple[Link, ...] = ()
    error: str | None = None
    failed_status: int | None = None  # the status of a failed request that left no `page` (a 404)
    markup: Markup | None = None  # what an HTML page's markup says it is
    at: float = field(default_factory=time.time)

    @property
    def status(self) -> int | None:
        return self.page.status if self.page is not None else self.failed_status

    @property
    def size(self) -> int:
        return self.page.size if self.page is not None else 0

    @property
    def elapsed(self) -> float:
        return self.page.elapsed if self.page is not None else 0.0

    @property
    def final_url(self) -> str | None:
        return self.page.final_url if self.page is not None else None


@dataclass(frozen=True, slots=True)
class Event:
    """One accounted request, for progress display and logs."""

    site: str
    url: str
    outcome: Outcome
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
    outcome: Outcome
    status: int | None
    size: int
    elapsed: float
    error: str | None


@dataclass(frozen=True, slots=True)
class _Barrier:
    done: threading.Event


_STOP = object()

BATCH_RESULTS = 50  # results per transaction at most
BATCH_SECONDS = 0.2  # and at most this long from the batch's first record to its COMMIT


class Writer:
    """Applies records in a thread; `put`/`flush`/`close` are awaited from the event loop."""

    def __init__(self, db_path: Path | str, config: Config, report: Callable[[Event], None] | None = None) -> None:
        self.db_path = Path(db_path)
        self.config = config
        self.report = report
        self.counts: dict[str, Counts] = {}
        self._queue: queue.Queue[object] = queue.Queue(maxsize=256)
        self._pending: list[Update] = []
        self._unsent: list[tuple[Site, str | None, str, SaveResult]] = []  # alerts waiting for a COMMIT
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="archive-writer", daemon=True)
        self._sites: dict[str, Site] = {}
        self._ready = threading.Event()
        self._round_start: dict[str, float] = {}
        self.alerts = Alerts(config)  # sent from their own thread, after each save has committed
        self.commits = 0  # transactions ended so far: the frontier may have changed when this moves

    def start(self) -> Writer:
        self._thread.start()
        self._ready.wait()
        self._raise()
        return self

    def register(self, site: Site) -> None:
        self._sites[site.name] = site
        self.counts.setdefault(site.name, Counts())

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
        outcome = Outcome.ERROR if failed else Outcome.ROBOTS
        self._queue.put(_Logged(site, url, outcome, status, size, elapsed, err))

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
            record = self._queue.get()
            while record is not _STOP:
                record = self._batch(archive, frontier, record)

    def _batch(self, archive: Archive, frontier: Frontier, record: object) -> object:
        """Apply `record` and what follows it in one transaction; return the record after the batch."""
        ends = time.monotonic() + BATCH_SECONDS
        results = 0
        barriers: list[_Barrier] = []
        following: object = None
        try:
            with archive.transaction():
                while True:
                    try:
                        self._apply(archive, frontier, record)
                    except BaseException as exc:  # handed to the event loop; the batch goes on
                        log.exception("archive writer failed")
                        self._failure = exc
                    if isinstance(record, _Barrier):
                        barriers.append(record)
                        break
                    results += isinstance(record, Result)
                    left = ends - time.monotonic()
                    if results >= BATCH_RESULTS or left <= 0:
                        break
                    try:
                        record = self._queue.get(timeout=left)
                    except queue.Empty:
                        break
                    if record is _STOP:
                        following = _STOP
                        break
                self._flush_updates(frontier)  # in the transaction of the saves they follow
        except BaseException as exc:  # the COMMIT failed: nothing of the batch was written
            log.exception("archive writer failed")
            self._failure = exc
            self._pending = []
            self._unsent = []
        self.commits += 1  # before the barriers: whoever waited on one sees the count moved
        for barrier in barriers:
            barrier.done.set()
        for args in self._unsent:
            self.alerts.saved(*args)
        self._unsent = []
        return following if following is not None else self._queue.get()

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
            else:  # a round's start URLs, once per round: the site's config as it is now applies
                adopted = frontier.adopt(
                    self._sites[record.site],
                    {*self._sites, *(s.name for s in self.config.sites)},
                    [link.url for link in record.links],
                )
                if adopted:
                    log.info(
                        "site %s: took over %d known URLs of a site name no site file has now", record.site, adopted
                    )
                frontier.seed(record.site, record.links, now)
                schedule = revisit_schedule(self._sites[record.site], self.config.settings)
                frontier.follow_revisit(record.site, schedule, now)
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
        counts = self.counts.setdefault(event.site, Counts())
        counts.add(event.outcome, event.size)
        # an error that already names the status ("HTTP 404 Not Found") does not say it twice
        named = event.status is not None and (event.error or "").startswith(f"HTTP {event.status}")
        status = f" (HTTP {event.status})" if event.status is not None and not named else ""
        if event.outcome == Outcome.ERROR:
            counts.failed(event.error or f"HTTP {event.status}", event.status)
            log.warning("error %s%s: %s", event.url, status, event.error)
        elif event.error:
            log.info("%s %s%s: %s", event.outcome, event.url, status, event.error)
        else:
            log.info("%s %s%s, %d bytes", event.outcome, event.url, status, event.size)
        if self.report is not None:
            self.report(event)

    def _result(self, archive: Archive, frontier: Frontier, r: Result) -> None:
        task, site, settings = r.task, self._sites[r.task.site], self.config.settings
        # New links are due from now, when they are written, not from when the page was fetched: the
        # dispatcher's cursor may have passed that moment (a result made earlier, or on a machine whose
        # clock runs behind, is written after later ones), and rows before it are not read again.
        found_at = max(r.at, time.time())
        if r.outcome == Outcome.ERROR:
            self._failed(archive, r)
            return
        if r.outcome == Outcome.DISALLOWED:
            archive.record_fetch(task.url, Outcome.DISALLOWED, error=r.error)
            again = after_disallowed(settings, r.at)
            self._pending.append(Update(task.url, UrlState.DISALLOWED, again, r.at, error=r.error))
            self._emit(Event(task.site, task.url, Outcome.DISALLOWED, None, 0, error=r.error))
            return
        published = r.article.published if r.article else task.published
        # The page's own markup outranks whatever queued it: a listing that says "article" is one now.
        kind, evidence = None, None
        if r.markup is not None and r.markup.article:
            kind, evidence = PageKind.ARTICLE, Evidence.MARKUP
        due = after_fetch(kind or task.kind, site, settings, r.at, task.first_fetched, published)
        if r.outcome == Outcome.NOT_MODIFIED:
            archive.record_fetch(
                task.url, Outcome.NOT_MODIFIED, status=r.status, final_url=r.final_url, duration=r.elapsed
            )
            self._emit(Event(task.site, task.url, Outcome.NOT_MODIFIED, r.status, 0))
        elif r.page is not None and r.article is not None:
            saved = save_extracted(archive, r.article, r.page, self.config, site, r.digest, markup=r.markup)
            self._unsent.append((site, r.article.title, r.page.final_url, saved))  # alerted after the commit
            if r.links:
                frontier.add(task.site, r.links, found_at, self._round_start.get(task.site, r.at))
            if saved.status == Outcome.NOT_ARTICLE and kind is None and task.evidence < Evidence.LISTED:
                kind, due = PageKind.LISTING, None  # queued as an article on a guess; it is an index
            event = Event(task.site, task.url, saved.status, r.status, r.size, saved.version, saved.reason)
            self._emit(event)
        else:
            found = Outcome(task.kind)
            archive.record_fetch(
                task.url, found, status=r.status, final_url=r.final_url, size=r.size, duration=r.elapsed
            )
            frontier.add(task.site, r.links, found_at, self._round_start.get(task.site, r.at))
            self._emit(Event(task.site, task.url, found, r.status, r.size))
        etag, last_modified = (r.page.etag, r.page.last_modified) if r.page is not None else (None, None)
        update = Update(task.url, UrlState.DONE, due, r.at, etag, last_modified, 0, None, published, kind, evidence)
        self._pending.append(update)

    def _failed(self, archive: Archive, r: Result) -> None:
        task = r.task
        archive.record_fetch(
            task.url,
            Outcome.ERROR,
            status=r.status,
            error=r.error,
            final_url=r.final_url,
            size=r.size,
            duration=r.elapsed,
        )
        attempts = task.attempts + 1
        state, due = after_failure(self.config.settings, r.at, r.status, attempts)
        self._pending.append(Update(task.url, state, due, r.at, attempts=attempts, error=r.error))
        self._emit(Event(task.site, task.url, Outcome.ERROR, r.status, r.size, error=r.error))
