"""Where a crawl runs extraction: in the event loop, or in worker processes on the other cores.

Extraction is pure CPU (parsing 30-80 KB of HTML), so in one process it competes with the HTTP
client for the GIL; `crawl.extract_processes` moves it to a process pool.  What crosses the process
boundary is plain data (html, url, Site, time) one way and an `Article` back; an error, expected
(`ExtractError`) or a bug, is raised in the crawl as itself.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import forkserver
from typing import Any, TypeVar

from ..archive.copies import digest
from ..classify import Markup, read_page
from ..config import Site
from ..models import Article, Digest
from ..procs import pid_alive

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


def _start_forkserver_deaf() -> None:
    """Start the forkserver with SIGTERM ignored (an ignored signal stays ignored across exec).

    The pool learns that a worker exited from the forkserver, so a forkserver killed by a group
    SIGTERM makes the pool "broken" even though its workers are fine.  The crawl keeps its own handler.
    """
    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()
        return
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGTERM, previous)


_WATCH_EVERY = 0.5  # seconds


class Extractor:
    """`await extractor(html, url, site, fetched_at, as_article)` -> `Extracted`, raising what extraction
    raised.  A page not fetched `as_article` is extracted only when its markup says it is an article."""

    def __init__(self, processes: int) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if processes > 0:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["scraper.extract", "scraper.classify"])
            _start_forkserver_deaf()
            self.pool = ProcessPoolExecutor(
                processes, mp_context=ctx, initializer=_worker_start, initargs=(os.getpid(),)
            )

    async def __call__(
        self, html: str, url: str, site: Site | None, fetched_at: datetime, as_article: bool = True
    ) -> Extracted:
        if self.pool is None:
            return _job(html, url, site, fetched_at, as_article)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, _job, html, url, site, fetched_at, as_article)

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """`func(*args)` off the event loop: in a worker process if there are any, else in a thread.

        For parsing that can take long on hostile input (listings, feeds, sitemaps): the loop keeps
        serving other hosts and signals meanwhile.
        """
        if self.pool is None:
            return await asyncio.to_thread(func, *args)
        return await asyncio.get_running_loop().run_in_executor(self.pool, func, *args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
