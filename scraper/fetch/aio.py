"""aiohttp under httpx's API (`httpx-aiohttp`), with the same address guard as `guard.GuardedTransport`.

aiohttp dials what its connector's resolver returns, so the guard is a resolver: names resolve
through `guard.AddressPolicy`, and private addresses are dropped before aiohttp sees them.
aiohttp never asks the resolver about a literal IP, so those are checked here, per request
(redirects included: `Fetcher` follows them itself).  Bodies come raw (`auto_decompress=False` in
httpx-aiohttp), so `Fetcher`'s own decompressor still caps the size after decompression; timeouts
come from httpx's request extensions.  aiohttp's errors are mapped to the httpx errors
`client._classify` expects.
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

from ..errors import FetchError
from .guard import AddressPolicy, Resolver

__all__ = ["GuardedAiohttpTransport"]


class _Refused(OSError):
    """Raised by the resolver; aiohttp keeps it as the cause of its own error, `scraper_error` rides along."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(error.reason)
        self.scraper_error = error


class _GuardedResolver(AbstractResolver):
    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            allowed = await self._policy.resolve(host, port)
        except FetchError as exc:
            raise _Refused(exc) from None
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
        self._policy = AddressPolicy(resolver, allow_private, trusted)
        self._guard = _GuardedResolver(self._policy)

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
        if ip is not None:
            port = request.url.port or (443 if request.url.scheme == "https" else 80)
            try:
                self._policy.allowed(host, port, [ip])
            except FetchError as exc:
                carrier = httpx.ConnectError(exc.reason)
                carrier.scraper_error = exc  # type: ignore[attr-defined]  # see client._classify
                raise carrier from None
        try:
            return await super().handle_async_request(request)
        except httpx.HTTPError as exc:
            raise _mapped(exc) from exc.__cause__
