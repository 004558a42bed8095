"""The fetch guarantees (size cap after decompression, timeouts, redirects, the address guard after
DNS) hold with either HTTP client: tests/test_fetch.py runs on the default (aiohttp), this on httpx's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scraper.fetch import client
from tests.test_fetch import *  # noqa: F403  - the same tests, collected again here


@pytest.fixture(autouse=True)
def httpx_transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    real = client._transport
    monkeypatch.setattr(
        client, "_transport", lambda http, resolver, allow, *more: real("httpx", resolver, allow, *more)
    )
    yield
