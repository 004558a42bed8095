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

__all__ = ["AddressPolicy", "GuardedTransport", "Resolver", "embedded_ipv4", "is_private", "system_resolver"]

Resolver = Callable[[str, int], Awaitable[list[str]]]


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"),)  # RFC 6052 well-known prefix: the low 32 bits are IPv4
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local-use translation, never public
_COMPAT = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible addresses, ::a.b.c.d


def embedded_ipv4(addr: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: mapped, compatible, NAT64, 6to4 and Teredo forms."""
    found = []
    low32 = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    if addr.ipv4_mapped is not None:
        found.append(addr.ipv4_mapped)
    if addr in _COMPAT or any(addr in net for net in _NAT64):
        found.append(low32)
    if addr.sixtofour is not None:
        found.append(addr.sixtofour)
    if addr.teredo is not None:
        found.extend(addr.teredo)
    return found


def is_private(ip: str) -> bool:
    """Loopback, private, link-local, unique-local, multicast or otherwise not globally routable.

    An IPv6 address that embeds an IPv4 one (`::ffff:127.0.0.1`, `::127.0.0.1`, NAT64 `64:ff9b::a00:1`,
    6to4 `2002:7f00:1::`, Teredo) is as private as what it embeds: a NAT64 gateway or a 6to4 relay
    would deliver the packet there.
    """
    addr = ipaddress.ip_address(ip.strip("[]"))
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.scope_id:
            return True  # fe80::1%eth0 and friends: link-scoped by definition
        if addr in _NAT64_LOCAL:
            return True
        inner = embedded_ipv4(addr)
        if addr.ipv4_mapped is not None or (addr in _COMPAT and int(addr) > 1):
            return _private_v4(addr.ipv4_mapped or inner[0])
        if any(_private_v4(v4) for v4 in inner):
            return True
    return not addr.is_global or addr.is_multicast


def _private_v4(addr: ipaddress.IPv4Address) -> bool:
    return not addr.is_global or addr.is_multicast


async def system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressPolicy:
    """Resolve a host and keep the addresses a request may dial, for every transport we have.

    Public addresses always; private ones when `allow_private`, or for a `trusted` (host, port): the
    URL a user typed, and nothing reached through it.  Errors are ours (`HostNotFound`,
    `AddressRefused`); each transport carries them through its own error type.
    """

    def __init__(
        self, resolver: Resolver | None = None, allow_private: bool = False, trusted: Iterable[tuple[str, int]] = ()
    ) -> None:
        self._resolver = resolver or system_resolver
        self.allow_private = allow_private
        self.trusted = frozenset((h.strip("[]").lower(), p) for h, p in trusted)

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of `host` (itself when it is a literal IP) that may be dialled, never empty."""
        try:
            ipaddress.ip_address(host.strip("[]"))
            addresses = [host.strip("[]")]
        except ValueError:
            try:
                addresses = await self._resolver(host, port)
            except (socket.gaierror, UnicodeError, OSError):
                raise HostNotFound(host, "DNS lookup failed (no such host)") from None
        return self.allowed(host, port, addresses)

    def allowed(self, host: str, port: int, addresses: list[str]) -> list[str]:
        """`addresses` less the private ones this host may not reach; `AddressRefused` when none is left."""
        if self.allow_private or (host.strip("[]").lower(), port) in self.trusted:
            return addresses
        allowed = [ip for ip in addresses if not is_private(ip)]
        if not allowed:
            hint = (
                "only the host and port of the URL you gave may be private; redirects and links may not"
                if self.trusted
                else "set allow_private = true in the site config to allow it"
            )
            shown = addresses[0] if addresses else "no address"
            raise AddressRefused(
                host, f"refused: {host}:{port} resolves to a private or loopback address ({shown}); {hint}"
            )
        return allowed


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
    def __init__(self, policy: AddressPolicy) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._policy = policy

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            allowed = await self._policy.resolve(host, port)
        except FetchError as exc:
            raise _carrying(exc) from None
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
        trusted: Iterable[tuple[str, int]] = (),
        limits: httpx.Limits | None = None,
        proxy: str | None = None,
    ) -> None:
        """`trusted` (host, port) pairs may be private even when `allow_private` is false: the URL a
        user typed, and nothing reached through it.  With a `proxy` the address policy applies to the
        proxy we dial; the proxy resolves the site."""
        limits = limits or httpx.Limits(max_connections=None, max_keepalive_connections=64)
        super().__init__(limits=limits)
        backend = _GuardedBackend(AddressPolicy(resolver, allow_private, trusted))
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
