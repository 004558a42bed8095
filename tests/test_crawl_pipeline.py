"""Fetching never waits for extraction: a host worker hands a page on and fetches the next.

Extraction here waits until the server has answered more article requests than the host has
workers; if a worker waited for its page's extraction before fetching again, that would never
happen and the crawl would stall (the wait gives up after 20 s and the test fails).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from scraper.config import Site
from scraper.crawl import extract_pool
from tests.server import LocalServer
from tests.sitegen import SyntheticSite, mount
from tests.test_crawl import make_config, make_site, run

WORKERS = 2
AHEAD = 6  # article responses the server must have sent before the first extraction may finish


def _articles(server: LocalServer) -> int:
    return sum(1 for s in server.log if s.path.endswith(".html") and s.end != float("inf"))


def test_host_workers_keep_fetching_while_pages_wait_for_extraction(
    server: LocalServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = mount(server, SyntheticSite(n=20, per_page=20))
    real = extract_pool.Extractor.__call__
    waited: list[int] = []

    async def slow(
        self: Any, html: str, url: str, site: Site | None, fetched_at: datetime, as_article: bool = True
    ) -> extract_pool.Extracted:
        if as_article:  # the listing's links must land first: only articles are held back
            for _ in range(2000):
                if _articles(server) >= AHEAD:
                    break
                await asyncio.sleep(0.01)
            waited.append(_articles(server))
        return await real(self, html, url, site, fetched_at, as_article)

    monkeypatch.setattr(extract_pool.Extractor, "__call__", slow)
    config = make_config(crawl__per_host_concurrency=WORKERS, crawl__concurrency=WORKERS)
    counts = run(config, make_site(base), db_path, max_depth=1)
    assert counts.new == 20
    assert waited[0] >= AHEAD  # the first extraction finished only after more fetches than workers
    assert server.peak_in_flight("/20") <= WORKERS  # and the host's concurrency still held
