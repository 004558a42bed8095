"""One crawl round of one or more sites: discover -> fetch -> extract -> archive.

Three roles, kept apart so they can later run on different machines:

- the **dispatcher** (`dispatch.stream_due`, the loop a coordinator uses too) streams due rows out
  of the frontier in batches and hands each to the queue of its host; it never writes;
- the **host workers** (`SiteRound._work`) fetch the URLs of one host, owning its pacing through
  `Polite`, and hand each response on as soon as it is read, so a connection (and the host's slot)
  never waits for extraction; the **extraction stage** (`SiteRound._process`) turns each fetched page
  into a plain `Result` (`SiteRound._page`: extraction or link discovery) and passes it on;
- the **archive writer** (`scraper.crawl.writer.Writer`) applies results: versions, fetch log, frontier.

fetch -> extraction -> writer is a pipeline with a bounded queue between each two stages (the host
queues, `SiteRound.fetched`, the writer's queue): a slow stage holds up the one before it instead of
letting pages pile up in memory.  A URL counts as handled (`task_done` on its host queue) once its
result is with the writer.

A round ends when nothing is due and nothing is in flight, when `max_pages` requests were made, or
when `stop` is set (in-flight pages finish; the rest stays due for the next round).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..archive.store import Archive
from ..config import Config, Site
from ..discover import (
    Link,
    discover_links,
    sitemaps_from_robots,
)
from ..errors import (
    CrawlStopped,
    DiscoverError,
    ExtractError,
    FetchError,
    HostBackedOff,
    RobotsDisallowed,
    RobotsUnavailable,
)
from ..fetch.client import make_fetcher
from ..fetch.pacing import Polite, RobotsCache
from ..models import Counts, Evidence, Outcome, Page, PageKind
from ..urls import canonicalize, host_of, origin_of
from .dispatch import stream_due
from .extract_pool import Extractor
from .frontier import Frontier, Task
from .writer import Event, Result, Writer

__all__ = ["CrawlOptions", "Event", "adhoc_site", "crawl", "run_site_round", "start_writer"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """Per-run choices; None means "use the setting"."""

    max_pages: int | None = None
    max_depth: int | None = None
    recheck_all: bool = False  # every known URL due now, not only those whose revisit is due
    robots_sitemaps: bool | None = None
    guess_sitemap: bool = False  # also try /sitemap.xml when robots.txt names none (ad-hoc --sitemap)


def adhoc_site(url: str, *, allow_private: bool | None = None) -> Site:
    """A site made from one URL given on the command line: its host and port, no selectors, no pattern.

    A URL naming a loopback or private address is the user's explicit choice, so that host and port
    are trusted; no other private address is, whether a link or a redirect leads there.
    """
    from ..fetch.client import own_origin
    from ..fetch.guard import is_private

    start = canonicalize(url)
    if start is None:
        raise ValueError(f"{url!r} is not an http(s) URL")
    host, port = own_origin(start)
    if allow_private is None:
        try:
            private = host == "localhost" or is_private(host)
        except ValueError:
            private = False  # a name: trusted only as far as the guard allows any public host
    return Site(
        name=host_of(start),
        start_urls=(start,),
        allowed_domains=(host,),
        allow_private=bool(allow_private),
        port=port,
        trusted=((host, port),) if allow_private is None and private else (),
    )


@dataclass(frozen=True, slots=True)
class _Fetched:
    """A host worker's request, on its way to the extraction stage: a page, a `Result` or nothing."""

    queue: asyncio.Queue[Task]  # the host queue it came from, told once the writer has its result
    task: Task
    fetched: Page | Result | None


class SiteRound:
    """The dispatcher, host workers and extraction stage of one site for one round."""

    def __init__(
        self,
        config: Config,
        site: Site,
        options: CrawlOptions,
        writer: Writer,
        reader: Frontier,
        global_slots: asyncio.Semaphore,
        stop: asyncio.Event,
        extract: Extractor,
        robots: RobotsCache | None = None,
    ) -> None:
        get = config.settings.get
        self.config, self.site, self.options, self.writer, self.reader, self.stop = (
            config,
            site,
            options,
            writer,
            reader,
            stop,
        )
        self.max_pages = options.max_pages if options.max_pages is not None else get("crawl.max_pages")
        self.max_depth = options.max_depth if options.max_depth is not None else get("crawl.max_depth")
        self.batch = get("crawl.batch_size")
        self.max_discovered, self.discovered = get("crawl.max_discovered"), 0
        self.extract = extract
        self.fetcher = make_fetcher(config.settings, site)
        self.polite = Polite(
            self.fetcher,
            config.settings,
            global_slots=global_slots,
            report=lambda url, status, size, secs, err: writer.log_request(site.name, url, status, size, secs, err),
            robots=robots,
            stop=stop,
        )
        self.queues: dict[str, asyncio.Queue[Task]] = {}
        self.workers: list[asyncio.Task[None]] = []
        self.dispatched = 0
        self.in_flight = 0  # URLs put on a host queue whose result is not yet with the writer
        # pages in extraction at once, and fetched pages waiting for it: enough that an extraction
        # process always has its next job queued while a result travels back, few enough that memory
        # stays bounded (each holds one page)
        stages = 4 * max(1, config.settings.get("crawl.extract_processes"))
        self.fetched: asyncio.Queue[_Fetched] = asyncio.Queue(maxsize=2 * stages)
        self.workers += [asyncio.create_task(self._process()) for _ in range(stages)]

    async def run(self) -> None:
        round_start = time.time()
        try:
            await self._seed(round_start)
            await self._dispatch()
        finally:
            await self.close()

    async def close(self) -> None:
        """Stop the host workers and the extraction stage, and close the HTTP client."""
        for worker in self.workers:
            worker.cancel()
        await asyncio.gather(*self.workers, return_exceptions=True)
        await self.fetcher.aclose()

    async def _seed(self, round_start: float) -> None:
        site = self.site
        seeds = [Link(u, PageKind.LISTING, 0) for u in site.start_urls]
        configured = Evidence.MARKUP  # the config says what these are
        seeds += [Link(u, PageKind.FEED, 0, evidence=configured) for u in site.feeds]
        seeds += [Link(u, PageKind.SITEMAP, 0, evidence=configured) for u in site.sitemaps]
        seeds = [replace(link, url=url) for link in seeds if (url := canonicalize(link.url))]
        await self.writer.seed(site.name, seeds, discovered=False, round_start=round_start)
        if self.options.recheck_all:
            await self.writer.all_due(site.name)
        use_robots = self.options.robots_sitemaps
        if use_robots is None:
            use_robots = self.config.settings.get("crawl.robots_sitemaps")
        if use_robots or self.options.guess_sitemap:
            found: list[Link] = []
            for origin in dict.fromkeys(origin_of(u) for u in site.start_urls):
                robots = await self.polite.robots(origin + "/")
                urls = sitemaps_from_robots(robots.text, origin + "/", site) if robots.text else []
                if not urls and self.options.guess_sitemap:
                    urls = [origin + "/sitemap.xml"]
                found += [Link(u, PageKind.SITEMAP, 0, evidence=Evidence.MARKUP) for u in urls]
            await self.writer.seed(site.name, found, discovered=True, round_start=round_start)
        await self.writer.flush()
        for url, other in self.reader.owned_elsewhere(site.name, [link.url for link in seeds]).items():
            # a URL belongs to one site: this round would skip it and say nothing, and the user wonders why
            log.warning(
                "site %s: %s is already crawled as site %s; it is fetched in that site's rounds", site.name, url, other
            )

    async def _dispatch(self) -> None:
        """Discovery pages before articles (they widen the frontier cheaply), each in keyset order."""
        await stream_due(self, self)
        await self._drain()

    # ------------------------------------------------------------ the dispatcher's sink: the host queues

    async def room(self) -> int:
        return int(self.batch)  # `put` waits on a full host queue

    async def put(self, task: Task) -> None:
        self.in_flight += 1
        await self._queue(task.host).put(task)

    async def settle(self) -> bool:
        """Wait for every host queue to empty and the writer to catch up (discovered links land)."""
        if not self.in_flight:
            return False
        await self._drain()
        return True

    def _due(self, cursors: dict[bool, tuple[float, str] | None], limit: int) -> list[Task]:
        now, name = time.time(), self.site.name
        limit = min(limit, self.max_pages - self.dispatched)
        return self.reader.due(name, now, cursors[False], limit, articles=False) or self.reader.due(
            name, now, cursors[True], limit, articles=True
        )

    async def _drain(self) -> None:
        """Wait for the host queues to empty and the writer to catch up (discovered links land)."""
        for q in list(self.queues.values()):
            await q.join()
        await self.writer.flush()

    def _queue(self, host: str) -> asyncio.Queue[Task]:
        q = self.queues.get(host)
        if q is None:
            n = self.config.settings.get("crawl.per_host_concurrency")
            q = self.queues[host] = asyncio.Queue(maxsize=max(4, 2 * n))
            self.workers += [asyncio.create_task(self._work(q)) for _ in range(n)]
        return q

    async def _work(self, q: asyncio.Queue[Task]) -> None:
        """A host worker: fetch, hand the response to the extraction stage, fetch the next."""
        while True:
            task = await q.get()
            try:
                fetched = None if self.stop.is_set() else await self._fetch(task)
            except Exception:  # a bug must not wedge the round: log it, account the URL, go on
                log.exception("crawling %s failed", task.url)
                fetched = Result(task, Outcome.ERROR, error="internal error (see log)")
            await self.fetched.put(_Fetched(q, task, fetched))

    async def _process(self) -> None:
        """The extraction stage: a fetched page becomes a `Result`, which goes to the writer."""
        while True:
            item = await self.fetched.get()
            result, task = item.fetched, item.task
            try:
                if isinstance(result, Page):
                    result = await self._page(task, result)
            except Exception:  # a bug must not wedge the round: log it, account the URL, go on
                log.exception("crawling %s failed", task.url)
                result = Result(task, Outcome.ERROR, error="internal error (see log)")
            try:
                if result is not None:
                    await self.writer.put(result)
            except Exception:  # the writer failed: stop the round; close() raises its error
                self.stop.set()
            finally:
                self.in_flight -= 1
                item.queue.task_done()

    async def _handle(self, task: Task) -> Result | None:
        """Fetch and process one URL in one go: the host loop of a distributed worker (scraper/workers)."""
        fetched = await self._fetch(task)
        return await self._page(task, fetched) if isinstance(fetched, Page) else fetched

    async def _fetch(self, task: Task) -> Page | Result | None:
        """One polite request: the page, or the `Result` of a request that gave none to process."""
        html = task.kind in (PageKind.ARTICLE, PageKind.LISTING)
        try:
            page = await self.polite.fetch(task.url, kind_html=html, etag=task.etag, last_modified=task.last_modified)
        except RobotsDisallowed as exc:
            return Result(task, Outcome.DISALLOWED, error=exc.reason)
        except (HostBackedOff, RobotsUnavailable, CrawlStopped):
            return None  # the URL stays due; the host's failure (or its robots.txt's) is logged once
        except FetchError as exc:
            return Result(task, Outcome.ERROR, error=exc.reason, failed_status=exc.status)
        return page

    async def _page(self, task: Task, page: Page) -> Result:
        """What one fetched page is: a 304, an extracted article, or a discovery page's links."""
        if page.not_modified:
            return Result(task, Outcome.NOT_MODIFIED, page=page)
        try:
            if task.kind in (PageKind.FEED, PageKind.SITEMAP):
                links = await self._discover(task, page.html, page.content, page.final_url)
                return Result(task, page=page, links=tuple(links))
            # An HTML page: its markup is the strongest evidence of what it is.  A page queued as a
            # listing whose markup says article is archived too; a start URL's links, and those of a
            # page queued as an article on weak evidence whose markup does not say so, are followed.
            as_article = task.kind == PageKind.ARTICLE
            found = await self.extract(page.html, page.final_url, self.site, page.fetched_at, as_article)
            weak = as_article and task.evidence < Evidence.LISTED and not found.markup.article
            follow = not as_article or task.depth == 0 or (weak and task.depth < self.max_depth)
            links = await self._discover(task, page.html, page.content, page.final_url) if follow else []
        except (ExtractError, DiscoverError) as exc:
            return Result(task, Outcome.ERROR, page=page, error=exc.reason)
        return Result(
            task, page=page, article=found.article, digest=found.digest, links=tuple(links), markup=found.markup
        )

    async def _discover(self, task: Task, html: str, content: bytes, url: str) -> list[Link]:
        """The links of a listing, feed or sitemap, parsed off the event loop, within the round's
        `crawl.max_discovered` for the site."""
        room = self.max_discovered - self.discovered
        if room <= 0:
            return []
        kind = PageKind.LISTING if task.kind == PageKind.ARTICLE else task.kind
        if kind == PageKind.LISTING:  # a listing is read as text, a feed or sitemap as bytes: send one
            content = b""
        else:
            html = ""
        args = (kind, html, content, url, self.site, task.depth, self.max_depth, room)
        links = await self.extract.run(discover_links, *args)
        self.discovered += len(links)
        return links


def start_writer(
    config: Config,
    sites: list[Site],
    db_path: Path | str,
    report: Callable[[Event], None] | None,
    counts: dict[str, Counts] | None = None,
) -> Writer:
    """The round's archive writer, started, with the schema made first (before two connections race to).
    `counts`, the caller's, is kept up to date as results are written: an interrupted round, which
    returns nothing, has still counted what it did."""
    with Archive(db_path):
        pass
    writer = Writer(db_path, config, report)
    if counts is not None:
        writer.counts = counts
    for site in sites:
        writer.register(site)
    return writer.start()


async def crawl(
    config: Config,
    sites: Iterable[Site],
    db_path: Path | str,
    *,
    options: CrawlOptions | None = None,
    report: Callable[[Event], None] | None = None,
    stop: asyncio.Event | None = None,
    robots: RobotsCache | None = None,
    counts: dict[str, Counts] | None = None,
) -> dict[str, Counts]:
    """One round over `sites` (concurrently, one global concurrency limit); counts per site.

    `robots`, kept by a caller that runs round after round (the daemon), spares each round asking
    every host for its robots.txt again before `crawl.robots_refresh`; `counts` is filled as the
    round goes (see `start_writer`)."""
    sites = list(sites)
    options = options or CrawlOptions()
    stop = stop or asyncio.Event()
    writer = start_writer(config, sites, db_path, report, counts)
    global_slots = asyncio.Semaphore(config.settings.get("crawl.concurrency"))
    processes = config.settings.get("crawl.extract_processes")
    extract = Extractor(processes)
    try:
        with Archive(db_path) as reader_archive:
            reader = Frontier(reader_archive)
            rounds = [SiteRound(config, s, options, writer, reader, global_slots, stop, extract, robots) for s in sites]
            await asyncio.gather(*(r.run() for r in rounds))
    finally:
        extract.close()
        await writer.close()
    return dict(writer.counts)


async def run_site_round(
    config: Config,
    site: Site,
    db_path: Path | str,
    *,
    stop: asyncio.Event | None = None,
    robots: RobotsCache | None = None,
    **kwargs: Any,
) -> Counts:
    """The daemon's entry point: one round of one site, and what it did."""
    counts = await crawl(config, [site], db_path, stop=stop, robots=robots, options=CrawlOptions(**kwargs))
    return counts.get(site.name, Counts())
