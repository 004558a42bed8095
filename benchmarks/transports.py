"""HTTP transports behind the httpx API, CPU per page on loopback, all in one run.

    python benchmarks/transports.py [--pages 600] [--concurrency 16] [--rounds 3]

One asyncio site server (benchmarks/crawl.py, its own process) serves the synthetic site's article
pages; this process fetches them through `Fetcher` (so decoding, the size cap and the redirect loop
are the same for all) with each transport in turn, rounds interleaved so machine load hits all
alike.  CPU is this process's time.process_time() per page (the server's CPU is not in it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.crawl import SiteServer  # noqa: E402
from scraper.config import Settings  # noqa: E402
from scraper.fetch.client import Fetcher  # noqa: E402
from scraper.fetch.guard import GuardedTransport  # noqa: E402
from tests.sitegen import SyntheticSite  # noqa: E402


def variants() -> dict[str, Callable[[], httpx.AsyncBaseTransport]]:
    from httpx_aiohttp import AiohttpTransport

    from scraper.fetch.aio import GuardedAiohttpTransport

    return {
        "httpx default (AsyncHTTPTransport)": lambda: httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=64)
        ),
        "httpx tuned pool (GuardedTransport)": lambda: GuardedTransport(allow_private=True),
        "httpx-aiohttp (AiohttpTransport)": lambda: AiohttpTransport(
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=64)
        ),
        "httpx-aiohttp + address guard": lambda: GuardedAiohttpTransport(allow_private=True),
    }


async def run(make: Callable[[], httpx.AsyncBaseTransport], urls: list[str], concurrency: int) -> float:
    fetcher = Fetcher(Settings(), allow_private=True, transport=make())
    slots = asyncio.Semaphore(concurrency)

    async def one(url: str) -> int:
        async with slots:
            return (await fetcher.fetch(url)).size

    await asyncio.gather(*(one(u) for u in urls[:concurrency]))  # warm: connections open
    started = time.process_time()
    sizes = await asyncio.gather(*(one(u) for u in urls))
    cpu = time.process_time() - started
    await fetcher.aclose()
    assert all(sizes)
    return cpu * 1000 / len(urls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    site = SyntheticSite(n=args.pages)
    server = SiteServer(args.pages, 0.0)
    urls = [server.url + p for p in site.article_paths()]
    found: dict[str, list[float]] = {name: [] for name in variants()}
    load = [os.getloadavg()[0]]
    try:
        for _ in range(args.rounds):
            for name, make in variants().items():
                found[name].append(asyncio.run(run(make, urls, args.concurrency)))
            load.append(os.getloadavg()[0])
    finally:
        server.stop()
    base = statistics.median(found["httpx default (AsyncHTTPTransport)"])
    print("| transport | CPU ms / page (median of rounds) | vs httpx default | rounds |")
    print("|---|--:|--:|---|")
    for name, values in found.items():
        med = statistics.median(values)
        print(f"| {name} | {med:.2f} | {med / base:.2f}x | {', '.join(f'{v:.2f}' for v in values)} |")
    print(
        f"\n({args.pages} pages x {args.rounds} rounds, concurrency {args.concurrency}, loopback; load average"
        f" {min(load):.2f}-{max(load):.2f}; {time.strftime('%Y-%m-%d %H:%M')})"
    )


if __name__ == "__main__":
    main()
