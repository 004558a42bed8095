"""Per-host pacing, Retry-After and backoff held in Redis, so they hold over every worker at once.

`Polite` keeps a host's next allowed start in memory, which is right while one process owns the
host.  Over many machines a host changes hands (its lease moves after a worker dies, two
coordinators share a broker), so here a host's last start lives in Redis and each start is claimed
atomically by a Lua script: it reads Redis's own clock (no skew between machines), records the start
when `delay` has passed since the last one (and no pause holds), else answers how long to wait.  A
Retry-After or a backoff pause (what `Polite` records with `HostState.hold`) is pushed into the same
hash, so it pauses the host for whichever worker asks next, and so is the failure count that
decides a backoff.  Both are written as soon as they change (`host_changed`), while the message
runs: a worker killed a moment after a 429 has already told Redis when the host may be asked again.

Dramatiq's `WindowRateLimiter` counts requests per window; it does not space them, so a window's
worth could start at once.  Spaced starts are what a site's Crawl-delay asks for, hence the script.
robots.txt is cached in Redis as well: a host's rules are fetched once per `crawl.robots_refresh`,
not once per worker.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from protego import Protego

from ..config import Settings
from ..errors import HostBackedOff
from ..fetch.client import Fetcher
from ..fetch.pacing import FetchReport, HostState, Polite, Robots
from ..models import Page
from ..urls import host_of
from .broker import BrokerConfig

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisPacer", "RedisPolite", "SharedHostState"]

log = logging.getLogger(__name__)

# KEYS[1] the host's pacing hash: `last` (the last start, ms) and `pause` (no start before, ms).
# ARGV: delay ms, hold ms (a pause from now, or 0), longest wait ms.
# Returns 0 when the caller may start now (its start is recorded), else the ms to wait before asking
# again, or -1 when the host is paused for longer than the caller may wait.
_CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
local pause = tonumber(redis.call('HGET', KEYS[1], 'pause') or '0')
local hold = tonumber(ARGV[2])
if hold > 0 and now + hold > pause then
  pause = now + hold
  redis.call('HSET', KEYS[1], 'pause', pause)
end
local earliest = math.max(last + tonumber(ARGV[1]), pause)
redis.call('PEXPIRE', KEYS[1], math.max(earliest - now, 0) + 3600000)
if earliest - now > tonumber(ARGV[3]) then return -1 end
if now >= earliest then
  redis.call('HSET', KEYS[1], 'last', now)
  return 0
end
return earliest - now
"""


class RedisPacer:
    """The Redis side of pacing: reservations, pauses, failure counts and robots.txt, per host."""

    def __init__(self, redis: Redis, cfg: BrokerConfig) -> None:
        self.redis = redis
        self.cfg = cfg
        self._claim = redis.register_script(_CLAIM)

    async def claim(self, host: str, delay: float, hold: float, max_wait: float) -> float | None:
        """0 when a request to `host` may start now (and its start is recorded); else the seconds to wait
        before asking again, or None when the host is paused past `max_wait`."""
        key = self.cfg.pacing_key(host)
        args = [int(delay * 1000), int(max(hold, 0) * 1000), int(max_wait * 1000)]
        answer = int(await self._claim(keys=[key], args=args))
        return None if answer < 0 else answer / 1000

    async def hold(self, host: str, seconds: float) -> None:
        """Nobody starts a request to `host` for `seconds` (a Retry-After, a backoff pause)."""
        await self.claim(host, 0.0, seconds, -1e9)  # asks with no patience: records the pause, never a start

    async def failures(self, host: str) -> int:
        value = await self.redis.hget(self.cfg.pacing_key(host), "failures")
        return int(value) if value is not None else 0

    async def set_failures(self, host: str, failures: int) -> None:
        await self.redis.hset(self.cfg.pacing_key(host), "failures", failures)

    async def cached_robots(self, origin: str) -> Robots | None:
        raw = await self.redis.get(self.cfg.robots_key(origin))
        if raw is None:
            return None
        data = json.loads(raw)
        rules = None if data["allow_all"] else Protego.parse(data["text"])
        return Robots(rules, float(data["fetched"]), data["delay"], data["text"])

    async def cache_robots(self, origin: str, robots: Robots, refresh: float) -> None:
        """Keep rules that were read (or a 4xx: allow all); an unreachable robots.txt is asked again (it
        stops the host meanwhile: shared, it would read as "allow all")."""
        if robots.unavailable is not None or (robots.rules is not None and not robots.text):
            return
        ttl = refresh - (time.time() - robots.fetched)
        if ttl < 1:
            return
        data: dict[str, Any] = {
            "allow_all": robots.rules is None,
            "text": robots.text,
            "delay": robots.delay,
            "fetched": robots.fetched,
        }
        await self.redis.set(self.cfg.robots_key(origin), json.dumps(data), px=int(ttl * 1000))


@dataclass
class SharedHostState(HostState):
    """A host's state in one worker; the pacing itself is in Redis.  `hold` is queued for the next reservation."""

    pending_hold: float = 0.0  # seconds from now

    def hold(self, until: float) -> None:
        self.pending_hold = max(self.pending_hold, until - time.monotonic())


class RedisPolite(Polite):
    """`Polite` with the next start of each host claimed in Redis; everything else is `Polite`'s own code."""

    def __init__(self, fetcher: Fetcher, settings: Settings, pacer: RedisPacer, *, report: FetchReport | None) -> None:
        super().__init__(fetcher, settings, report=report)
        self.pacer = pacer

    def host(self, url: str) -> HostState:
        name = host_of(url)
        state = self.hosts.get(name)
        if state is None:
            state = self.hosts[name] = SharedHostState(
                self.get("crawl.per_host_concurrency"), self.get("crawl.min_delay")
            )
        return state

    async def load(self, url: str) -> None:
        """Pick up the host's failure count where its last owner left it."""
        self.host(url).failures = await self.pacer.failures(host_of(url))

    async def host_changed(self, url: str, host: HostState) -> None:
        """A failure, a pause or a success goes to Redis at once, not when the message ends: a worker
        that dies now, or the next owner of the host, must not ask it again sooner."""
        await self.flush(host_of(url))

    async def flush(self, only: str | None = None) -> None:
        """Hand what this worker learnt about its hosts (or the host `only`) back to Redis: pauses, failures."""
        # A copy: the other hosts of this worker's messages come and go while this awaits Redis.
        if only is not None:
            hosts = [(only, self.hosts[only])] if only in self.hosts else []
        else:
            hosts = list(self.hosts.items())
        for name, state in hosts:
            if isinstance(state, SharedHostState) and state.pending_hold > 0:
                await self.pacer.hold(name, state.pending_hold)
                state.pending_hold = 0.0
            await self.pacer.set_failures(name, state.failures)

    async def _fetch_robots(self, origin: str) -> Robots:
        refresh = self.get("crawl.robots_refresh")
        cached = await self.pacer.cached_robots(origin)
        if cached is not None:
            return cached
        robots = await super()._fetch_robots(origin)
        await self.pacer.cache_robots(origin, robots, refresh)
        return robots

    async def _paced(
        self, url: str, *, accept: tuple[str, ...] | None, etag: str | None = None, last_modified: str | None = None
    ) -> Page:
        host = self.host(url)
        async with host.slots:
            hold = host.pending_hold if isinstance(host, SharedHostState) else 0.0
            if isinstance(host, SharedHostState):
                host.pending_hold = 0.0
            cap = self.get("fetch.max_retry_after")
            # Claimed at the start itself, not reserved ahead: a request that starts late (a busy event
            # loop, a slow connect) then cannot bunch up with the next one.
            for _ in range(10_000):
                wait = await self.pacer.claim(host_of(url), host.delay, hold, cap)
                hold = 0.0
                if wait is None:
                    raise HostBackedOff(url, f"host paused for more than {cap:.0f}s after repeated failures")
                if wait == 0:
                    break
                await asyncio.sleep(wait)
            async with self.global_slots:
                return await self.fetcher.fetch(url, etag=etag, last_modified=last_modified, accept=accept)
