"""Where a crawl runs extraction: in the event loop, or in worker processes on the other cores.

Extraction is pure CPU (parsing 30-80 KB of HTML), so in one process it competes with the HTTP
client for the GIL; `crawl.extract_processes` moves it to a process pool.  What crosses the process
boundary is plain data (html, url, Site, time) one way and an `Article` back; an error, expected
(`ExtractError`) or a bug, is raised in the crawl as itself.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from ..archive.copies import digest
from ..config import Site
from ..extract import extract_article
from ..models import Article, Digest

__all__ = ["Extractor"]

T = TypeVar("T")


def _job(html: str, url: str, site: Site | None, fetched_at: datetime) -> tuple[Article, Digest]:
    article = extract_article(html, url, site, fetched_at=fetched_at)
    return article, digest(article)  # hashing here keeps it off the crawl's own process


class Extractor:
    """`await extractor(html, url, site, fetched_at)` -> (Article, Digest), raising what extraction raised."""

    def __init__(self, processes: int) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if processes > 0:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["scraper.extract"])
            self.pool = ProcessPoolExecutor(processes, mp_context=ctx)

    async def __call__(self, html: str, url: str, site: Site | None, fetched_at: datetime) -> tuple[Article, Digest]:
        if self.pool is None:
            return _job(html, url, site, fetched_at)
        return await asyncio.get_running_loop().run_in_executor(self.pool, _job, html, url, site, fetched_at)

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
