"""The coordinator: the dispatcher and the single archive writer of a round whose hosts are crawled by workers.

Per site it seeds the frontier and streams due URLs out of it with the loop a one-machine round
uses (`SiteRound._seed`, `crawl.dispatch.stream_due`: the same keyset cursors and `max_pages`).  Instead of host
queues in this process, the URLs of each host wait in the `Hub`, which leases the host in Redis and
sends one `crawl_host` message with up to `broker.urls_per_message` of them; while a host is leased
nobody else gets it, so its pacing is one worker's, and it is claimed in Redis anyway.

Results come back on the round's own Redis list and go, in order, into the existing `Writer`:
idempotent, so a result delivered twice (a worker re-sent after its lease expired, though it was
only slow) adds no version and only logs its request again.  What is lost with a worker is what it
had not yet reported; the lease expires, and the URLs with no result are sent again.  What is lost
with the coordinator is its round: the URLs stay due in the frontier and the next round fetches them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..archive.store import Archive
from ..config import Config, Site
from ..crawl.dispatch import stream_due
from ..crawl.extract_pool import Extractor
from ..crawl.frontier import Frontier, Task
from ..crawl.round import CrawlOptions, SiteRound, start_writer
from ..crawl.writer import Event, Writer
from ..models import Counts
from ..urls import host_of
from .broker import BrokerConfig, Leases, broker_error, is_broker_failure, make_broker, reaching
from .messages import CrawlHost, WireError, decode, decode_result
from .politeness import RedisPacer, RedisPolite

if TYPE_CHECKING:
    import dramatiq
    from redis.asyncio import Redis

__all__ = ["Hub", "distributed_crawl", "run_site_round"]

log = logging.getLogger(__name__)


@dataclass
class _Host:
    name: str
    site: str
    pending: deque[Task] = field(default_factory=deque)  # due, not yet sent
    outstanding: dict[str, Task] = field(default_factory=dict)  # sent, no result yet
    token: str | None = None
    state: str = "idle"  # idle -> queued (sent) -> running (a worker has it) -> idle
    suspect: float | None = None  # when its lease was first seen gone (monotonic)
    heard: float = 0.0  # when a record of its current message last came (monotonic)
    message: str | None = None  # Dramatiq's id of its current message in Redis


class Hub:
    """Host leases, crawl_host messages and the results list of one coordinator round."""

    def __init__(
        self, cfg: BrokerConfig, redis: Redis, actor: dramatiq.Actor[[str], Any], writer: Writer, config: Config
    ) -> None:
        self.cfg, self.redis, self.actor, self.writer, self.config = cfg, redis, actor, writer, config
        self.round = uuid.uuid4().hex
        self.reply = cfg.results_key(self.round)
        self.leases = Leases(redis)
        self.hosts: dict[str, _Host] = {}
        self.ready: dict[str, None] = {}  # idle hosts with due URLs, in the order they became so
        self.tokens: dict[str, str] = {}  # lease token -> host
        self.sites: dict[str, Site] = {}
        self.max_depth: dict[str, int] = {}
        self.waiting: dict[str, int] = {}  # per site: URLs pending or outstanding
        self.changed = asyncio.Event()
        self.stopping = False
        self._loops: list[asyncio.Task[None]] = []
        self._warned = 0.0
        self._applying = False  # the drain holds records it has popped and not yet applied
        self._closing = False
        self._pumping = asyncio.Lock()
        self.failure: Exception | None = None

    def start(self) -> None:
        self._loops = [asyncio.create_task(self._guard(self._drain())), asyncio.create_task(self._guard(self._keep()))]

    async def _guard(self, loop: Coroutine[Any, Any, None]) -> None:
        """A failed loop ends the round (with its error), never leaves it waiting for ever."""
        try:
            await loop
        except Exception as exc:
            if is_broker_failure(exc):  # said once, by whoever runs the round (the CLI, the daemon's log)
                self.failure = broker_error(self.cfg.url, exc)
                log.debug("coordinator: %s", self.failure)
            else:  # a bug: loud, with its traceback
                log.exception("coordinator loop failed")
                self.failure = exc
            self.changed.set()

    def check(self) -> None:
        if self.failure is not None:
            raise self.failure

    async def close(self) -> None:
        self.stopping = self._closing = True
        # The loops see the flag within a BLPOP timeout.  Not cancelled first: a redis-py command
        # cancelled mid-BLPOP can leave the task hanging in its cancellation.
        if self._loops:
            _, pending = await asyncio.wait(self._loops, timeout=5)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=2)
        if self.failure is not None and is_broker_failure(self.failure):
            return  # Redis is gone: its leases lapse and the results list ages out by itself
        try:
            for name, host in list(self.hosts.items()):  # it awaits: others may add hosts
                if host.token is not None and host.state == "queued":  # not started: its message is dropped
                    await self.leases.release(self.cfg.lease_key(name), host.token)
            await self.redis.delete(self.reply)
        except Exception as exc:  # tidying up only: what matters (the archive) does not depend on it
            if not is_broker_failure(exc):
                raise
            log.debug("coordinator: could not tidy up the broker: %s", exc)

    # ------------------------------------------------------------ the dispatcher's side

    def add(self, site: str, task: Task) -> None:
        host = self.hosts.get(task.host)
        if host is None:
            host = self.hosts[task.host] = _Host(task.host, site)
        host.pending.append(task)
        self.waiting[site] = self.waiting.get(site, 0) + 1
        if host.state == "idle":
            self.ready[task.host] = None

    def busy(self, site: str) -> bool:
        return self.waiting.get(site, 0) > 0

    async def progress(self, timeout: float) -> None:
        self.check()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.changed.wait(), timeout)
        self.changed.clear()
        self.check()

    async def drop_pending(self, site: str) -> None:
        """Stopping: URLs not yet sent, and those sent but not yet taken by a worker, stay due for the
        next round (the lease goes, so a worker that comes to such a message drops it)."""
        for name, host in list(self.hosts.items()):  # it awaits: others may add hosts
            if host.site != site:
                continue
            if host.pending:
                self.waiting[site] -= len(host.pending)
                host.pending.clear()
            if host.state == "queued" and host.token is not None:
                await self.leases.release(self.cfg.lease_key(name), host.token)
                self.waiting[site] -= len(host.outstanding)
                host.outstanding.clear()
                self._release(host)

    async def pump(self) -> None:
        """Lease every idle host that has due URLs and send it a message."""
        if self.stopping:
            return
        async with self._pumping:  # one pump at a time: the dispatcher, the drain and the keeper all call it
            for name in list(self.ready):  # not every host: a pump per result must not cost O(hosts)
                host = self.hosts[name]
                if host.state != "idle" or not host.pending or await self._send(name, host):
                    self.ready.pop(name, None)

    async def _send(self, name: str, host: _Host) -> bool:
        token = uuid.uuid4().hex
        if not await self.leases.take(self.cfg.lease_key(name), token, self.cfg.lease):
            return False  # another coordinator's, or a worker of a dead round still has it: later
        self.tokens[token] = name
        chunk = [host.pending.popleft() for _ in range(min(self.cfg.urls_per_message, len(host.pending)))]
        host.outstanding.update((t.url, t) for t in chunk)
        host.token, host.state, host.suspect, host.heard = token, "queued", None, time.monotonic()
        msg = CrawlHost(
            round=self.round,
            token=token,
            host=name,
            site=self.sites[host.site],
            settings=self.config.settings,
            tasks=tuple(chunk),
            reply=self.reply,
            max_depth=self.max_depth[host.site],
            lease=self.cfg.lease,
        )
        host.message = self.actor.send(msg.to_wire()).options.get("redis_message_id")
        return True

    def _release(self, host: _Host) -> None:
        """The host is free again; what it did not report goes back to the front of its queue."""
        if host.outstanding:
            host.pending.extendleft(reversed(list(host.outstanding.values())))
            host.outstanding.clear()
        if host.token is not None:
            self.tokens.pop(host.token, None)
        host.token, host.state, host.suspect = None, "idle", None
        if host.pending:
            self.ready[host.name] = None
        self.changed.set()  # the dispatcher may have room, or be waiting for this host to finish

    # ------------------------------------------------------------ results

    async def _drain(self) -> None:
        while not self._closing:
            item = await self.redis.blpop([self.reply], timeout=1)
            if item is None:
                continue
            batch: list[bytes] = [_bytes(item[1])]
            more = await self.redis.lpop(self.reply, 200)
            if isinstance(more, list):
                batch += [_bytes(m) for m in more]
            self._applying = True
            try:
                for raw in batch:
                    try:
                        await self._apply(decode(raw))
                    except (WireError, KeyError, TypeError, ValueError) as exc:
                        log.error("results: a record could not be read, skipped: %s", exc)
            finally:
                self._applying = False
            await self.pump()
            self.changed.set()

    async def _apply(self, record: dict[str, Any]) -> None:
        kind, token = record["kind"], record.get("token")
        if kind == "result":
            result = decode_result(record)
            host = self.hosts.get(result.task.host)
            if host is not None and host.outstanding.pop(result.task.url, None) is not None:
                self.waiting[host.site] -= 1
                host.heard = time.monotonic()
            if result.task.site in self.sites:
                await self.writer.put(result)  # a repeat (a re-sent URL) is harmless: the content hash decides
        elif kind == "backed_off":
            host = self.hosts.get(host_of(record["url"]))
            if host is not None and host.outstanding.pop(record["url"], None) is not None:
                self.waiting[host.site] -= 1
        elif kind == "logged":
            if record["site"] in self.sites:
                self.writer.log_request(
                    record["site"], record["url"], record["status"], record["size"], record["elapsed"], record["error"]
                )
        elif kind == "started":
            host = self._by_token(token)
            if host is not None and host.state == "queued":
                host.state, host.heard = "running", time.monotonic()
        elif kind == "done":
            host = self._by_token(token)
            if host is not None:
                self._release(host)

    def _by_token(self, token: str | None) -> _Host | None:
        name = self.tokens.get(token) if token is not None else None
        return self.hosts.get(name) if name is not None else None

    # ------------------------------------------------------------ leases

    async def _keep(self) -> None:
        """Renew the leases of messages still waiting; notice the workers that died with a host."""
        every = min(1.0, self.cfg.lease / 3)
        while not self._closing:
            await asyncio.sleep(every)
            # Waiting for a worker: the lease is ours to keep alive.  In a worker's hands: it renews.
            queued = [(n, h, str(h.token)) for n, h in self.hosts.items() if h.token and h.state == "queued"]
            running = [(n, h, str(h.token)) for n, h in self.hosts.items() if h.token and h.state == "running"]
            keys = [(self.cfg.lease_key(n), t) for n, _, t in queued]
            held_by = await self.leases.renew_many(keys, self.cfg.lease)
            if running:
                holders = await self.redis.mget([self.cfg.lease_key(n) for n, _, _ in running])
                held_by += [
                    v is not None and _bytes(v).decode() == t for v, (_, _, t) in zip(holders, running, strict=True)
                ]
            await self._find_vanished(queued)
            for (name, host, token), held in zip([*queued, *running], held_by, strict=True):
                if host.token != token:  # released (and perhaps sent again) meanwhile
                    continue
                now = time.monotonic()
                if held:
                    host.suspect = None
                elif host.suspect is None:
                    host.suspect = now
                elif now - host.suspect >= every and host.heard < host.suspect and not await self._unread():
                    # Gone at two looks, nothing heard since and nothing left to read: its worker is
                    # dead (a finished one deletes the lease just before its `done`, which we'd have).
                    log.warning("worker lost with %s (lease gone): %d URL(s) sent again", name, len(host.outstanding))
                    self._release(host)
            await self.pump()
            await self._warn_if_no_workers()

    async def _find_vanished(self, queued: list[tuple[str, _Host, str]]) -> None:
        """A message no worker started that is no longer in Dramatiq's hash was taken and ended (its
        worker lost Redis, or found the lease lapsed): nobody has the host, so it is sent again.  A
        worker's `started` goes out before its message is acked, so with nothing left to read, none came."""
        ids = [(n, h, t, h.message) for n, h, t in queued if h.message]
        if not ids:
            return
        present = await self.redis.hmget(self.cfg.messages_key, [m for *_, m in ids])
        gone = [(n, h, t) for (n, h, t, _), p in zip(ids, present, strict=True) if p is None]
        if not gone or await self._unread():
            return
        for name, host, token in gone:
            if host.state == "queued" and host.token == token:
                log.warning(
                    "the crawl_host message of %s ended unstarted: %d URL(s) sent again", name, len(host.outstanding)
                )
                await self.leases.release(self.cfg.lease_key(name), token)
                self._release(host)

    async def _unread(self) -> bool:
        return self._applying or bool(await self.redis.llen(self.reply))

    async def _warn_if_no_workers(self) -> None:
        if not any(h.state == "queued" for h in self.hosts.values()) or time.monotonic() - self._warned < 30:
            return
        if not await live_workers(self.redis, self.cfg):
            self._warned = time.monotonic()
            log.warning("crawl_host messages are waiting and no worker is alive: start `scraper worker --broker ...`")


async def live_workers(redis: Redis, cfg: BrokerConfig, within: float = 15.0) -> list[str]:
    """The workers that reported in the last `within` seconds (`scraper worker` processes)."""
    now = time.time()
    found = await redis.zrangebyscore(cfg.workers_key, now - within, "+inf")
    return [_bytes(w).decode() for w in found]


def _bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    raise TypeError(f"unexpected reply from Redis: {type(value).__name__}")


class _HubSink:
    """The dispatcher's sink (`crawl.dispatch.Sink`) for one site: the hub, which leases hosts to workers."""

    def __init__(self, hub: Hub, site_round: SiteRound) -> None:
        self.hub, self.name, self.batch = hub, site_round.site.name, site_round.batch

    async def room(self) -> int:
        await self.hub.pump()  # what the last read handed over goes out now, one message per host
        return int(self.batch) - self.hub.waiting.get(self.name, 0)  # in hand at most `crawl.batch_size`

    async def put(self, task: Task) -> None:
        self.hub.add(self.name, task)

    async def settle(self) -> bool:
        await self.hub.pump()
        if not self.hub.busy(self.name):
            return False
        await self.hub.progress(0.5)  # a result, a host freed or the lease keeper's tick
        return True


async def _dispatch(hub: Hub, site_round: SiteRound) -> None:
    """`SiteRound._dispatch`, with the Hub in place of the host queues."""
    name = site_round.site.name
    await site_round._seed(time.time())
    await stream_due(site_round, _HubSink(hub, site_round))
    if site_round.stop.is_set():
        await hub.drop_pending(name)
    await hub.pump()
    while hub.busy(name):  # the pages already handed over finish
        await hub.progress(0.5)
    await site_round.writer.flush()


async def distributed_crawl(
    config: Config,
    sites: Iterable[Site],
    db_path: Path | str,
    broker_url: str | None,
    *,
    options: CrawlOptions | None = None,
    report: Callable[[Event], None] | None = None,
    stop: asyncio.Event | None = None,
    counts: dict[str, Counts] | None = None,
) -> dict[str, Counts]:
    """`scraper.crawl.round.crawl` with the host workers on other processes or machines; counts per site."""
    sites = list(sites)
    options = options or CrawlOptions()
    stop = stop or asyncio.Event()
    cfg = BrokerConfig.from_settings(config.settings, broker_url)
    broker = make_broker(cfg)
    redis = cfg.redis()
    writer = start_writer(config, sites, db_path, report, counts)
    hub = Hub(cfg, redis, broker.get_actor("crawl_host"), writer, config)
    rounds: list[SiteRound] = []
    try:
        with reaching(cfg.url), Archive(db_path) as reader_archive:
            reader = Frontier(reader_archive)
            slots = asyncio.Semaphore(config.settings.get("crawl.concurrency"))
            pacer = RedisPacer(redis, cfg)
            for site in sites:
                site_round = SiteRound(config, site, options, writer, reader, slots, stop, Extractor(0))
                # robots.txt for the sitemaps of the seed: fetched here, paced in Redis like every request
                site_round.polite = RedisPolite(
                    site_round.fetcher, config.settings, pacer, report=site_round.polite.report
                )
                hub.sites[site.name] = site
                hub.max_depth[site.name] = site_round.max_depth
                rounds.append(site_round)
            hub.start()
            dispatchers = [asyncio.create_task(_dispatch(hub, r)) for r in rounds]
            try:
                await asyncio.gather(*dispatchers)
            finally:  # one failed (Redis went away): the others stop too, leaving their URLs due
                for task in dispatchers:
                    task.cancel()
                await asyncio.gather(*dispatchers, return_exceptions=True)
    finally:
        # What arrived before a failure is still written: the writer commits it whole, the rest stays due.
        await hub.close()
        for site_round in rounds:
            await site_round.close()
        await writer.close()
        with contextlib.suppress(Exception):  # a connection to a dead Redis may fail to close
            await redis.aclose()
        broker.close()
    return dict(writer.counts)


async def run_site_round(
    config: Config, site: Site, db_path: Path | str, broker_url: str, *, stop: asyncio.Event | None = None
) -> Counts:
    """The daemon's entry point with --broker: one distributed round of one site."""
    counts = await distributed_crawl(config, [site], db_path, broker_url, stop=stop)
    return counts.get(site.name, Counts())
