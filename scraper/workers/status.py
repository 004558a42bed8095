"""What `scraper status --broker` shows: queue depth, leased hosts, live workers."""

from __future__ import annotations

import contextlib
from typing import Any

from ..config import Settings
from .broker import BrokerConfig, reaching
from .coordinator import live_workers

__all__ = ["broker_status"]


async def broker_status(settings: Settings, url: str) -> dict[str, Any]:
    cfg = BrokerConfig.from_settings(settings, url)
    redis = cfg.redis()
    try:
        with reaching(cfg.url):
            queued = int(await redis.llen(cfg.queue_key))
            leases = redis.scan_iter(cfg.lease_key("*"))
            leased = sorted([_text(k).removeprefix(cfg.lease_key("")) async for k in leases])
            holders = {_text(k): _text(v) for k, v in (await redis.hgetall(cfg.holders_key)).items()}
            results = 0
            async for key in redis.scan_iter(cfg.results_key("*")):
                results += int(await redis.llen(key))
            workers = sorted(await live_workers(redis, cfg))
    finally:
        with contextlib.suppress(Exception):  # closing a connection to a Redis that is gone
            await redis.aclose()
    return {
        "url": url,
        "queued": queued,
        "results": results,
        "leased": leased,
        "crawling": {host: holders[host] for host in leased if host in holders},
        "workers": workers,
    }


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
