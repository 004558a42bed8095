"""DNS resolution under an address policy: which IPs a request may connect to.

The check happens after resolution, on the address actually dialled, so a public name that
resolves to 127.0.0.1 or 169.254.169.254 (cloud metadata) is caught as surely as a literal IP.
It plugs into httpx as a network backend, so redirects and keep-alive are covered too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import select
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore
import httpx

from ..errors import AddressRefused, FetchError, HostNotFound

__all__ = ["GuardedTransport", "Resolver", "is_private", "system_resolver"]

Resolver = Callable[[str, int], Awaitable[list[str]]]


def is_private(ip: str) -> bool:
    """Loopback, private, link-local, unique-local, multicast or otherwise not globally routable."""
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return not addr.is_global or addr.is_multicast


async def system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _readable(sock: socket.socket) -> bool:
    """True when an idle socket has something to read: the peer closed it (or sent garbage)."""
    if sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    """A stream that answers httpcore's "is this idle connection still open?" from its socket.

    httpcore asks that of every pooled connection before each request; anyio answers by rebuilding a
    dict of socket attributes (with a `getpeername` system call) each time, which with 16 keep-alive
    connections cost more CPU per page than extraction did.
    """

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
            return self._sock is not None and _readable(self._sock)
        return self._inner.get_extra_info(info)


def _carrying(error: FetchError) -> httpcore.ConnectError:
    """httpx lets only httpcore's errors out of a transport, and httpcore drops their causes: ours
    rides along as an attribute, and the client raises it again with the URL (`fetch.client._classify`)."""
    carrier = httpcore.ConnectError(error.reason)
    carrier.scraper_error = error  # type: ignore[attr-defined]
    return carrier


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, resolver: Resolver, allow_private: bool) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._resolver = resolver
        self._allow_private = allow_private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            ipaddress.ip_address(host)
            addresses = [host]
        except ValueError:
            try:
                addresses = await self._resolver(host, port)
            except (socket.gaierror, UnicodeError, OSError):
                raise _carrying(HostNotFound(host, "DNS lookup failed (no such host)")) from None
        allowed = [ip for ip in addresses if self._allow_private or not is_private(ip)]
        if not allowed:
            reason = (
                f"refused: {host} resolves to a private or loopback address ({addresses[0]}); "
                "set allow_private = true in the site config to allow it"
            )
            raise _carrying(AddressRefused(host, reason))
        last: Exception | None = None
        for ip in allowed:
            try:
                stream = await self._inner.connect_tcp(
                    ip, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
                return _Stream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, dialling through our resolver and address policy."""

    def __init__(
        self,
        *,
        resolver: Resolver | None = None,
        allow_private: bool = False,
        limits: httpx.Limits | None = None,
        proxy: str | None = None,
    ) -> None:
        """With a `proxy` the address policy applies to the proxy we dial; the proxy resolves the site."""
        limits = limits or httpx.Limits(max_connections=None, max_keepalive_connections=64)
        super().__init__(limits=limits)
        backend = _GuardedBackend(resolver or system_resolver, allow_private)
        if proxy is not None:
            self._pool = httpcore.AsyncHTTPProxy(
                proxy_url=proxy,
                ssl_context=httpx.create_ssl_context(),
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
                network_backend=backend,
            )
            return
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )
