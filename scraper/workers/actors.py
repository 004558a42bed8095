"""The `crawl_host` actor: a worker fetches and extracts the due URLs of one leased host.

It is the host worker of a single-machine round (`SiteRound._handle`, the same `Fetcher`, `Polite`
and `extract_article`), with two differences: pacing is claimed in Redis (`RedisPolite`), and each
`Result` goes back as a record on the round's results list instead of into a writer.  The worker
keeps nothing: no SQLite, no config; what it needs is in the message.

The lease: the coordinator takes `lease:<host>` before sending and renews it while the message
waits; the worker renews it while it works (every third of its life) and deletes it when done.  A
worker that finds the lease not its own (expired, re-leased) drops the message: the coordinator
has already handed the URLs to someone else.  A worker killed mid-message stops renewing, the
lease expires, and the coordinator re-sends the URLs that have no result yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..config import Config
from ..crawl.extract_pool import Extractor
from ..crawl.frontier import Frontier, Task
from ..crawl.round import CrawlOptions, SiteRound
from ..crawl.writer import Result, Writer
from ..models import Outcome
from ..urls import host_of as url_host
from .broker import BrokerConfig, Leases, broker_error, is_broker_failure
from .messages import CrawlHost, encode, encode_result, site_to_wire
from .politeness import RedisPacer, RedisPolite

if TYPE_CHECKING:
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker
    from redis.asyncio import Redis

__all__ = ["WORKER_ID", "crawl_host", "declare"]

log = logging.getLogger(__name__)

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
RESULTS_TTL = 86400  # seconds a round's results list outlives its last record (a dead coordinator's)

_config: BrokerConfig | None = None
_clients: dict[str, Redis] = {}


def declare(broker: RedisBroker, cfg: BrokerConfig) -> dramatiq.Actor[[str], Any]:
    """Register `crawl_host` on `broker` (workers run it, coordinators send to it)."""
    import dramatiq

    global _config
    _config = cfg
    decorate = dramatiq.actor(
        broker=broker,
        actor_name="crawl_host",
        queue_name=cfg.queue,
        max_retries=0,  # a lost message is the coordinator's to re-send, with a fresh lease
        time_limit=24 * 3600 * 1000,  # a slow host (Crawl-delay, Retry-After) may take long; leases catch the dead
    )
    return decorate(crawl_host)


def _redis() -> tuple[Redis, BrokerConfig]:
    """This process's Redis client, made on the worker's event loop (the AsyncIO middleware's one loop)."""
    if _config is None:
        raise RuntimeError("crawl_host runs only on a broker made by scraper.workers.broker.make_broker")
    client = _clients.get(_config.url)
    if client is None:
        client = _clients[_config.url] = _config.redis()
    return client, _config


class _Outbox:
    """Records for the coordinator, pushed onto the round's results list in the order they were made."""

    def __init__(self, redis: Redis, key: str) -> None:
        self.redis, self.key = redis, key
        self.later: list[bytes] = []

    def queue(self, record: bytes) -> None:
        self.later.append(record)

    async def send(self, record: bytes | None = None) -> None:
        if record is not None:
            self.later.append(record)
        records, self.later = self.later, []
        if records:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.rpush(self.key, *records)
                pipe.expire(self.key, RESULTS_TTL)
                await pipe.execute()


async def crawl_host(payload: str) -> None:
    msg = CrawlHost.from_wire(payload)
    redis, cfg = _redis()
    try:
        await _serve(msg, redis, cfg)
    except Exception as exc:
        if not is_broker_failure(exc):
            raise
        # Redis went away: what was not reported is the coordinator's to send again (with a new lease).
        log.warning("crawl_host %s: %s; its URLs without a result stay due", msg.host, broker_error(cfg.url, exc))


async def _serve(msg: CrawlHost, redis: Redis, cfg: BrokerConfig) -> None:
    leases = Leases(redis)
    lease_key = cfg.lease_key(msg.host)
    if not await leases.renew(lease_key, msg.token, msg.lease):
        log.info("crawl_host %s: the lease is no longer ours; dropped (re-sent elsewhere)", msg.host)
        return
    out = _Outbox(redis, msg.reply)
    await redis.hset(cfg.holders_key, msg.host, WORKER_ID)
    await out.send(encode({"kind": "started", "token": msg.token, "worker": WORKER_ID}))
    lost = asyncio.Event()
    keeper = asyncio.create_task(_keep(leases, lease_key, msg, lost))
    try:
        await _crawl(msg, redis, cfg, out, lost)
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
        await redis.hdel(cfg.holders_key, msg.host)
        await leases.release(lease_key, msg.token)
        await out.send(encode({"kind": "done", "token": msg.token, "host": msg.host}))


async def _keep(leases: Leases, key: str, msg: CrawlHost, lost: asyncio.Event) -> None:
    while True:
        await asyncio.sleep(msg.lease / 3)
        if not await leases.renew(key, msg.token, msg.lease):
            log.warning("crawl_host %s: lease lost; finishing the pages in flight only", msg.host)
            lost.set()
            return


class _Rounds:
    """This process's host workers, one per (round, site, settings), kept across the round's messages:
    their HTTP client (connections, TLS context) and robots.txt cache are reused, which keeps request
    starts on time.  Per round, as a one-machine round's are: `crawl.max_discovered` counts the links a
    round found, and a worker living through many rounds would otherwise stop finding any."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.rounds: OrderedDict[str, SiteRound] = OrderedDict()
        self.reports: dict[str, Callable[[bytes], None]] = {}

    async def get(self, msg: CrawlHost, redis: Redis, cfg: BrokerConfig) -> SiteRound:
        key = json.dumps([msg.round, site_to_wire(msg.site), dict(msg.settings.values), msg.max_depth], sort_keys=True)
        found = self.rounds.get(key)
        if found is not None:
            self.rounds.move_to_end(key)
            return found
        config = Config(settings=msg.settings, sites=(msg.site,))
        # The host worker of a one-machine round, with a writer that is never started (nothing is
        # written here) and its politeness swapped for the one held in Redis.
        host_round = SiteRound(
            config,
            msg.site,
            CrawlOptions(max_depth=msg.max_depth),
            Writer(Path(os.devnull), config),
            cast(Frontier, None),
            asyncio.Semaphore(msg.settings.get("crawl.concurrency")),
            asyncio.Event(),
            Extractor(0),
        )
        site = msg.site.name

        def report(url: str, status: int | None, size: int, secs: float, err: str | None) -> None:
            logged = {"kind": "logged", "site": site, "url": url, "status": status, "size": size}
            send = self.reports.get(url_host(url))
            if send is not None:  # else its message has ended: a copy run twice, the other finished first
                send(encode({**logged, "elapsed": secs, "error": err}))

        host_round.polite = RedisPolite(host_round.fetcher, msg.settings, RedisPacer(redis, cfg), report=report)
        self.rounds[key] = host_round
        while len(self.rounds) > self.size:
            _, old = self.rounds.popitem(last=False)
            await old.close()
        return host_round


_rounds = _Rounds()


async def _crawl(msg: CrawlHost, redis: Redis, cfg: BrokerConfig, out: _Outbox, lost: asyncio.Event) -> None:
    host_round = await _rounds.get(msg, redis, cfg)
    polite = host_round.polite
    assert isinstance(polite, RedisPolite)
    _rounds.reports[msg.host] = out.queue  # robots.txt requests of this host are reported with its results
    todo = list(msg.tasks)
    try:
        if todo:
            await polite.load(todo[0].url)
        n = max(1, msg.settings.get("crawl.per_host_concurrency"))
        loops = [asyncio.create_task(_work(host_round, todo, out, lost, msg.token)) for _ in range(n)]
        try:
            await asyncio.gather(*loops)
        finally:  # one failed (Redis went away): the others stop too, not live on past their message
            for loop in loops:
                loop.cancel()
            await asyncio.wait(loops, timeout=5)  # a redis-py command can be slow to take its cancel
        await polite.flush(msg.host)
    finally:
        if _rounds.reports.get(msg.host) == out.queue:  # not a copy's that took over the host meanwhile
            del _rounds.reports[msg.host]


async def _work(host_round: SiteRound, todo: list[Task], out: _Outbox, lost: asyncio.Event, token: str) -> None:
    while todo and not lost.is_set():
        task = todo.pop(0)
        result: Result | None
        try:
            result = await host_round._handle(task)
        except Exception as exc:  # a bug must not lose the URL: it is accounted as an error, like a round does
            if is_broker_failure(exc):
                raise  # not the URL's fault: it stays due
            log.exception("crawling %s failed", task.url)
            result = Result(task, Outcome.ERROR, error="internal error (see the worker's log)")
        if result is None:  # the host is paused past what a round waits: the URL stays due
            await out.send(encode({"kind": "backed_off", "token": token, "url": task.url}))
        else:
            await out.send(encode_result(result, token))
