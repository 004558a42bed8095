"""Where a crawl runs extraction: in the event loop, or in worker processes on the other cores.

Extraction is pure CPU (parsing 30-80 KB of HTML), so in one process it competes with the HTTP
client for the GIL; `crawl.extract_processes` moves it to worker processes fed over pipes from the
event loop (`pipes.PipePool`).  What crosses the process boundary is plain data (html, url, the Site
pickled once, time) one way and an `Extracted` back; an error, expected (`ExtractError`) or a bug,
is raised in the crawl as itself.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from ..archive.copies import digest
from ..classify import Markup, read_page
from ..config import Site
from ..models import Article, Digest
from ..procs import pid_alive
from .pipes import PipePool

__all__ = ["Extracted", "Extractor"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a page's markup says it is, and the article when it is one (or was fetched as one)."""

    markup: Markup
    article: Article | None = None
    digest: Digest | None = None


def _job(html: str, url: str, site: Site | None, fetched_at: datetime, as_article: bool) -> Extracted:
    markup, article = read_page(html, url, site, fetched_at, always=as_article)
    if article is None:
        return Extracted(markup)
    return Extracted(markup, article, digest(article))  # hashing here keeps it off the crawl's own process


@lru_cache(maxsize=64)
def _unpickled(site: bytes) -> Site:
    loaded: Site = pickle.loads(site)
    return loaded


def _pooled_job(html: str, url: str, site: bytes | None, fetched_at: datetime, as_article: bool) -> Extracted:
    """`_job` in a worker, the site sent pickled (each worker unpickles a site once)."""
    return _job(html, url, _unpickled(site) if site is not None else None, fetched_at, as_article)


def _worker_start(crawl_pid: int) -> None:
    """In each worker: leave stop signals to the crawl, and exit when the crawl is gone.

    A process-group SIGTERM (systemd's default) used to kill the workers under in-flight pages,
    which then failed as BrokenProcessPool "internal errors"; now the crawl alone decides, and shuts
    the pool down in order.  A SIGKILLed crawl cannot do that, so a watchdog thread ends the worker
    once the crawl has died, instead of leaving it orphaned.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:  # the crawl's pid, not our parent's: that is the forkserver, which a group SIGTERM ends
        while True:
            time.sleep(_WATCH_EVERY)
            if not pid_alive(crawl_pid):
                os._exit(0)

    threading.Thread(target=watch, name="crawl-watchdog", daemon=True).start()


_WATCH_EVERY = 0.5  # seconds


class Extractor:
    """`await extractor(html, url, site, fetched_at, as_article)` -> `Extracted`, raising what extraction
    raised.  A page not fetched `as_article` is extracted only when its markup says it is an article."""

    def __init__(self, processes: int) -> None:
        self.pool: PipePool | None = None
        self._sites: dict[int, tuple[Site, bytes]] = {}
        if processes > 0:
            ctx = multiprocessing.get_context("forkserver")
            # `deaf` first: the forkserver ignores SIGTERM from its first import on (see there)
            ctx.set_forkserver_preload(["scraper.crawl.deaf", "scraper.extract", "scraper.classify"])
            self.pool = PipePool(processes, ctx, _worker_start, (os.getpid(),))

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (none when extraction runs in the crawl's process)."""
        return self.pool.pids if self.pool is not None else []

    async def __call__(
        self, html: str, url: str, site: Site | None, fetched_at: datetime, as_article: bool = True
    ) -> Extracted:
        if self.pool is None:
            return _job(html, url, site, fetched_at, as_article)
        result: Extracted = await self.pool.call(_pooled_job, html, url, self._pickled(site), fetched_at, as_article)
        return result

    def _pickled(self, site: Site | None) -> bytes | None:
        """A site pickled once per crawl (it outweighs the page's own pickling); workers unpickle it once."""
        if site is None:
            return None
        known = self._sites.get(id(site))
        if known is None or known[0] is not site:
            known = self._sites[id(site)] = (site, pickle.dumps(site, pickle.HIGHEST_PROTOCOL))
        return known[1]

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """`func(*args)` off the event loop: in a worker process if there are any, else in a thread.

        For parsing that can take long on hostile input (listings, feeds, sitemaps): the loop keeps
        serving other hosts and signals meanwhile.
        """
        if self.pool is None:
            return await asyncio.to_thread(func, *args)
        result: T = await self.pool.call(func, *args)
        return result

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
