"""Dramatiq and Redis set up from settings, and the names of every Redis key the crawl uses."""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ..config import Settings, check_broker_url
from ..errors import BrokerError, ConfigError

if TYPE_CHECKING:
    from dramatiq.brokers.redis import RedisBroker
    from redis import Redis as SyncRedis
    from redis.asyncio import Redis

__all__ = ["BrokerConfig", "BrokerError", "Leases", "broker_error", "is_broker_failure", "make_broker", "reaching"]


REDIS_CONNECTIONS = 512  # per process, at most; a command waits (up to 30 s) for one beyond that


@dataclass(frozen=True, slots=True)
class BrokerConfig:
    """Where the broker is and how its keys are named; built from `[broker]` and `--broker`."""

    url: str
    namespace: str = "newsarchive"
    queue: str = "crawl"
    lease: float = 30.0
    urls_per_message: int = 50
    heartbeat_timeout: float = 60.0
    timeout: float = 10.0  # above the coordinator's 1 s BLPOP, the longest a healthy command blocks

    @classmethod
    def from_settings(cls, settings: Settings, url: str | None = None) -> BrokerConfig:
        url = url or settings.get("broker.url")
        if not url:
            raise ConfigError("--broker", None, "no broker URL: give --broker redis://HOST:6379/0 or set [broker] url")
        if why := check_broker_url(url):
            raise ConfigError("--broker", None, why)
        get = settings.get
        return cls(
            url=url,
            namespace=get("broker.namespace"),
            queue=get("broker.queue"),
            lease=get("broker.lease"),
            urls_per_message=get("broker.urls_per_message"),
            heartbeat_timeout=get("broker.heartbeat_timeout"),
            timeout=get("broker.timeout"),
        )

    # ------------------------------------------------------------ keys

    def key(self, *parts: str) -> str:
        return ":".join((self.namespace, *parts))

    def lease_key(self, host: str) -> str:
        return self.key("lease", host)

    def pacing_key(self, host: str) -> str:
        return self.key("pace", host)

    def robots_key(self, origin: str) -> str:
        return self.key("robots", origin)

    def results_key(self, round_id: str) -> str:
        return self.key("results", round_id)

    @property
    def holders_key(self) -> str:
        """host -> the worker crawling it now (for `status`; the lease itself is the truth)."""
        return self.key("holders")

    @property
    def workers_key(self) -> str:
        return self.key("workers")

    @property
    def queue_key(self) -> str:
        """Dramatiq's Redis list of the queue's waiting message ids."""
        return f"{self.namespace}:{self.queue}"

    @property
    def messages_key(self) -> str:
        """Dramatiq's Redis hash of the queue's messages, from their sending until a worker acks them."""
        return f"{self.queue_key}.msgs"

    def redis(self) -> Redis:
        """An asyncio client whose pool waits for a free connection: a worker crawling 64 hosts has
        more commands in flight than redis-py's default pool (100, which refuses the rest) allows."""
        from redis.asyncio import BlockingConnectionPool, Redis

        pool = BlockingConnectionPool.from_url(
            self.url, max_connections=REDIS_CONNECTIONS, timeout=30, **self._socket_limits()
        )
        return Redis(connection_pool=pool)

    def sync_redis(self) -> SyncRedis:
        """The blocking client Dramatiq's broker sends and fetches messages with, under the same limits."""
        from redis import ConnectionPool, Redis

        return Redis(connection_pool=ConnectionPool.from_url(self.url, **self._socket_limits()))

    def _socket_limits(self) -> dict[str, Any]:
        """Without a socket timeout, a Redis behind a network that drops packets silently (no RST, no
        FIN) leaves every command waiting forever: the round, the worker and `status` hang."""
        return {"socket_timeout": self.timeout, "socket_connect_timeout": self.timeout, "socket_keepalive": True}


def is_broker_failure(exc: BaseException) -> bool:
    """Whether `exc` is Redis (or Dramatiq's Redis broker) failing, rather than a bug of ours."""
    from dramatiq.errors import BrokerConnectionError
    from redis.exceptions import RedisError

    return isinstance(exc, RedisError | BrokerConnectionError | BrokerError)


def broker_error(url: str, exc: BaseException) -> BrokerError:
    """A Redis or Dramatiq connection error as the one line a user reads: the broker and a short reason."""
    if isinstance(exc, BrokerError):
        return exc
    return BrokerError(_redacted(url), _reason(exc))


@contextlib.contextmanager
def reaching(url: str) -> Iterator[None]:
    """The boundary with Redis: its errors (and Dramatiq's about it) come out as `BrokerError`."""
    try:
        yield
    except Exception as exc:
        if not is_broker_failure(exc):
            raise
        raise broker_error(url, exc) from exc


def _reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:  # the socket error redis-py wraps says it best
        if isinstance(seen, ConnectionRefusedError) or getattr(seen, "errno", None) == errno.ECONNREFUSED:
            return "connection refused"
        if isinstance(seen, ConnectionResetError):
            return "connection reset"
        seen = seen.__cause__ or seen.__context__
    text = str(exc).strip().rstrip(".")
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "closed by server" in lowered:
        return "connection closed by the server"
    if "timeout" in lowered or "timed out" in lowered:
        return "timed out"
    return text or type(exc).__name__


def _redacted(url: str) -> str:
    """The URL without its password (redis://:secret@host → redis://:***@host)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def make_broker(cfg: BrokerConfig) -> RedisBroker:
    """A Dramatiq Redis broker with the AsyncIO middleware (crawl_host is a coroutine) and the actor."""
    from dramatiq.brokers.redis import RedisBroker
    from dramatiq.middleware import AsyncIO

    from .actors import declare

    broker = RedisBroker(  # type: ignore[no-untyped-call]
        client=cfg.sync_redis(),
        namespace=cfg.namespace,
        heartbeat_timeout=int(cfg.heartbeat_timeout * 1000),
        maintenance_chance=20_000,  # of a million commands: a dead worker's messages come back within seconds
    )
    broker.add_middleware(AsyncIO())
    declare(broker, cfg)
    return broker


# A lease is a key holding its holder's token; only the holder may renew or release it.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Leases:
    """Host leases in Redis: SET NX PX to take one, compare-and-renew, compare-and-delete."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    async def take(self, key: str, token: str, seconds: float) -> bool:
        return bool(await self.redis.set(key, token, nx=True, px=int(seconds * 1000)))

    async def renew(self, key: str, token: str, seconds: float) -> bool:
        return bool(await self._renew(keys=[key], args=[token, int(seconds * 1000)]))

    async def release(self, key: str, token: str) -> bool:
        return bool(await self._release(keys=[key], args=[token]))

    async def renew_many(self, leases: list[tuple[str, str]], seconds: float) -> list[bool]:
        """Renew (key, token) pairs in one round trip; which are still held."""
        if not leases:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for key, token in leases:
                await self._renew(keys=[key], args=[token, int(seconds * 1000)], client=pipe)
            return [bool(x) for x in await pipe.execute()]
