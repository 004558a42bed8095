"""Where a crawl runs extraction: in the event loop, or in worker processes on the other cores.

Extraction is pure CPU (parsing 30-80 KB of HTML), so in one process it competes with the HTTP
client for the GIL; `crawl.extract_processes` moves it to a process pool.  What crosses the process
boundary is plain data (html, url, Site, time) one way and an `Article` back; an error, expected
(`ExtractError`) or a bug, is raised in the crawl as itself.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from ..archive.copies import digest
from ..classify import Markup, read_markup
from ..config import Site
from ..extract import extract_article
from ..models import Article, Digest

__all__ = ["Extracted", "Extractor"]


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a page's markup says it is, and the article when it is one (or was fetched as one)."""

    markup: Markup
    article: Article | None = None
    digest: Digest | None = None


def _job(html: str, url: str, site: Site | None, fetched_at: datetime, as_article: bool) -> Extracted:
    markup = read_markup(html)
    if not (as_article or markup.article):
        return Extracted(markup)
    article = extract_article(html, url, site, fetched_at=fetched_at)
    return Extracted(markup, article, digest(article))  # hashing here keeps it off the crawl's own process


class Extractor:
    """`await extractor(html, url, site, fetched_at, as_article)` -> `Extracted`, raising what extraction
    raised.  A page not fetched `as_article` is extracted only when its markup says it is an article."""

    def __init__(self, processes: int) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if processes > 0:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["scraper.extract", "scraper.classify"])
            self.pool = ProcessPoolExecutor(processes, mp_context=ctx)

    async def __call__(
        self, html: str, url: str, site: Site | None, fetched_at: datetime, as_article: bool = True
    ) -> Extracted:
        if self.pool is None:
            return _job(html, url, site, fetched_at, as_article)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, _job, html, url, site, fetched_at, as_article)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
