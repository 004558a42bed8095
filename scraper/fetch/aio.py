"""aiohttp under httpx's API (`httpx-aiohttp`), with the same address guard as `guard.GuardedTransport`.

aiohttp dials what its connector's resolver returns, so the guard is a resolver: names resolve
through ours (`guard.system_resolver` or the one given) and private addresses are dropped before
aiohttp sees them.  aiohttp never asks the resolver about a literal IP, so those are checked here,
per request (redirects included: `Fetcher` follows them itself).  Bodies come raw
(`auto_decompress=False` in httpx-aiohttp), so `Fetcher`'s own decompressor still caps the size
after decompression; timeouts come from httpx's request extensions.  aiohttp's errors are mapped
to the httpx errors `client._classify` expects.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterable
from functools import cache

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from httpx_aiohttp import AiohttpTransport

from ..errors import AddressRefused, FetchError, HostNotFound
from .guard import Resolver, is_private, system_resolver

__all__ = ["GuardedAiohttpTransport"]


class _Refused(OSError):
    """Raised by the resolver; aiohttp keeps it as the cause of its own error, `scraper_error` rides along."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(error.reason)
        self.scraper_error = error


def _refusal(host: str, addresses: list[str]) -> AddressRefused:
    return AddressRefused(
        host,
        f"refused: {host} resolves to a private or loopback address ({addresses[0]}); "
        "set allow_private = true in the site config to allow it",
    )


class _GuardedResolver(AbstractResolver):
    def __init__(self, resolver: Resolver, allow_private: bool, trusted: frozenset[tuple[str, int]]) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._trusted = trusted

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            addresses = await self._resolver(host, port)
        except (socket.gaierror, UnicodeError, OSError):
            raise _Refused(HostNotFound(host, "DNS lookup failed (no such host)")) from None
        trusted = self._allow_private or (host.strip("[]").lower(), port) in self._trusted
        allowed = [ip for ip in addresses if trusted or not is_private(ip)]
        if not allowed:
            raise _Refused(_refusal(host, addresses))
        return [
            {
                "hostname": host,
                "host": ip,
                "port": port,
                "family": socket.AF_INET6 if ":" in ip else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for ip in allowed
        ]

    async def close(self) -> None:
        return None


def _mapped(exc: httpx.HTTPError) -> httpx.HTTPError:
    """httpx-aiohttp maps every aiohttp connection error to ConnectTimeout: say what it was."""
    cause = exc.__cause__
    if isinstance(exc, httpx.ConnectTimeout) and not isinstance(cause, TimeoutError):
        if isinstance(cause, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError) and not isinstance(
            cause, aiohttp.ClientConnectorError
        ):
            mapped: httpx.HTTPError = httpx.RemoteProtocolError(str(exc) or "server disconnected")
        else:
            mapped = httpx.ConnectError(str(exc))
        mapped.__cause__ = cause
        return mapped
    return exc


@cache
def _default_tls() -> ssl.SSLContext:
    """httpx's default TLS context, made once per process: loading the CA bundle costs ~60 ms of CPU,
    paid by every site's fetcher before (1.2 s at the start of a 20-site crawl).  Never changed after."""
    return httpx.create_ssl_context()


class GuardedAiohttpTransport(AiohttpTransport):
    """`httpx_aiohttp.AiohttpTransport` with our resolver and address policy."""

    def __init__(
        self,
        *,
        resolver: Resolver | None = None,
        allow_private: bool = False,
        trusted: Iterable[tuple[str, int]] = (),
        limits: httpx.Limits | None = None,
    ) -> None:
        """`trusted` (host, port) pairs may be private even when `allow_private` is false (a typed URL)."""
        limits = limits or httpx.Limits(max_connections=None, max_keepalive_connections=64)
        super().__init__(limits=limits, verify=_default_tls())
        self._trusted = frozenset((h.strip("[]").lower(), p) for h, p in trusted)
        self._guard = _GuardedResolver(resolver or system_resolver, allow_private, self._trusted)
        self._allow_private = allow_private

    def get_client(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0,
            limit_per_host=0,
            keepalive_timeout=self.limits.keepalive_expiry,
            ssl=self.ssl_context,
            resolver=self._guard,
        )
        return aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),  # cookies stay the business of httpx's client (its jar), as before
            max_line_size=16384,  # a header line as long as httpx (h11: 16 KB of headers) takes;
            max_field_size=16384,  # aiohttp's own default (8 KB) refuses some sites' CSP headers
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        try:
            ip = str(ipaddress.ip_address(host))
        except ValueError:
            ip = None
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        if ip is not None and not self._allow_private and (ip, port) not in self._trusted and is_private(ip):
            carrier = httpx.ConnectError(f"refused: {host}")
            carrier.scraper_error = _refusal(host, [ip])  # type: ignore[attr-defined]  # see client._classify
            raise carrier
        try:
            return await super().handle_async_request(request)
        except httpx.HTTPError as exc:
            raise _mapped(exc) from exc.__cause__
