"""What differs between the two HTTP clients under httpx's API, held to the same behaviour."""

from __future__ import annotations

import pytest

from scraper.config import Settings
from scraper.fetch import client
from scraper.fetch.client import fetch_page
from tests.server import LocalServer, Route

ARTICLE = b"<html><head><title>T</title></head><body><p>Hello</p></body></html>"


@pytest.fixture(params=["aiohttp", "httpx"])
def http(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    real = client._transport
    monkeypatch.setattr(
        client, "_transport", lambda _, resolver, allow, *more: real(request.param, resolver, allow, *more)
    )
    return str(request.param)


def test_a_long_header_line_is_read(server: LocalServer, http: str) -> None:
    """Some sites send 10+ KB Content-Security-Policy headers; aiohttp's default line limit is 8 KB."""
    server.routes["/a"] = Route(ARTICLE, headers={"Content-Security-Policy": "default-src 'self' " + "x" * 12_000})
    page = fetch_page(server.url("/a"))
    assert "Hello" in page.html and len(page.headers["content-security-policy"]) > 12_000


def test_cookies_are_kept_by_the_client_as_before(server: LocalServer, http: str) -> None:
    import asyncio

    server.routes["/set"] = Route(ARTICLE, headers={"Set-Cookie": "consent=yes; Path=/"})
    server.routes["/next"] = Route(ARTICLE)

    async def both() -> None:
        async with client.Fetcher(Settings(), allow_private=True) as fetcher:
            await fetcher.fetch(server.url("/set"))
            await fetcher.fetch(server.url("/next"))

    asyncio.run(both())
    assert server.hits("/next")[0].headers.get("cookie") == "consent=yes"


def test_an_unknown_client_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"fetch\.http"):
        client._transport("curl", None, False)
