"""A crawl transport: `resolve.GuardedTransport`'s address policy, without a per-request tax.

httpcore asks every idle pooled connection "has the server closed you?" before each request, via
`get_extra_info("is_readable")`; anyio answers by rebuilding a dict of socket attributes (with a
`getpeername` system call) each time.  With 16 keep-alive connections that cost more CPU per page
than extraction did.  Here each stream looks up its raw socket once and answers from it.
(This belongs in `scraper/resolve.py`; kept apart until its owner takes it.)
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx
from httpcore._utils import is_socket_readable

from .resolve import Resolver, _GuardedBackend, system_resolver

__all__ = ["CrawlTransport"]


class _Stream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream, sock: socket.socket | None = None) -> None:
        self._inner = inner
        self._sock = sock if sock is not None else inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout), self._sock)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return self._sock is not None and is_socket_readable(self._sock)
        return self._inner.get_extra_info(info)


class _Backend(_GuardedBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await super().connect_tcp(host, port, timeout, local_address, socket_options))


class CrawlTransport(httpx.AsyncHTTPTransport):
    """The guarded transport (same resolver and private-address policy) with cheap idle checks."""

    def __init__(self, *, resolver: Resolver | None = None, allow_private: bool = False, keepalive: int = 64) -> None:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=keepalive)
        super().__init__(limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(resolver or system_resolver, allow_private),
        )
