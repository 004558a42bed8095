"""Politeness against a real local server: pacing and Retry-After measured from server-side timestamps."""

from __future__ import annotations

import asyncio
import time
from http.server import BaseHTTPRequestHandler
from itertools import pairwise
from typing import Any

import pytest

from scraper.config import Settings
from scraper.errors import (
    BadStatusError,
    FetchError,
    HostBackedOff,
    HostNotFound,
    RobotsDisallowed,
    RobotsHostUnreachable,
    RobotsUnavailable,
)
from scraper.fetch.client import Fetcher
from scraper.fetch.pacing import Polite
from tests.conftest import local_settings
from tests.server import LocalServer, Route

PAGE = b"<!doctype html><html><body><p>hi</p></body></html>"


def fetch_all(s: Settings, urls: list[str]) -> list[Any]:
    async def go() -> list[Any]:
        async with Fetcher(s) as fetcher:
            polite = Polite(fetcher, s)
            return await asyncio.gather(*(polite.fetch(u) for u in urls), return_exceptions=True)

    return asyncio.run(go())


def starts(server: LocalServer, prefix: str) -> list[float]:
    return sorted(s.at for s in server.log if s.path.startswith(prefix))


def test_min_delay_spaces_requests_to_one_host(server: LocalServer) -> None:
    # What a site owner sees: over the run, requests arrive no faster than one per delay, and never
    # in a burst.  Judged from the server's clock, with room for a loaded machine's scheduling jitter.
    for i in range(6):
        server.routes[f"/p{i}"] = Route(PAGE)
    fetch_all(
        local_settings(crawl__min_delay=0.2, crawl__per_host_concurrency=4), [server.url(f"/p{i}") for i in range(6)]
    )
    at = starts(server, "/p")
    assert len(at) == 6
    assert (at[-1] - at[0]) / 5 >= 0.17, at  # mean spacing over the run
    assert all(c - a >= 0.2 for a, c in zip(at, at[2:], strict=False)), at  # never 3 requests in one delay


def test_crawl_delay_from_robots_wins_when_larger(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 0.2\n", content_type="text/plain")
    for i in range(4):
        server.routes[f"/p{i}"] = Route(PAGE)
    fetch_all(local_settings(crawl__min_delay=0.01), [server.url(f"/p{i}") for i in range(4)])
    at = starts(server, "/p")
    assert len(at) == 4
    assert (at[-1] - at[0]) / 3 >= 0.17, at  # paced by the 0.2 s Crawl-delay, not the 0.01 s minimum
    assert all(c - a >= 0.2 for a, c in zip(at, at[2:], strict=False)), at


def test_per_host_concurrency_is_a_ceiling(server: LocalServer) -> None:
    for i in range(6):
        server.routes[f"/s{i}"] = Route(PAGE, delay=0.2)
    fetch_all(local_settings(crawl__per_host_concurrency=2), [server.url(f"/s{i}") for i in range(6)])
    assert len(starts(server, "/s")) == 6
    assert server.peak_in_flight("/s") == 2  # the ceiling is reached and never passed, by the server's count


def test_robots_disallowed_is_never_requested(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.routes["/private/x"] = Route(PAGE)
    server.routes["/ok"] = Route(PAGE)
    ok, denied = fetch_all(local_settings(), [server.url("/ok"), server.url("/private/x")])
    assert isinstance(denied, RobotsDisallowed) and not isinstance(ok, Exception)
    assert server.hits("/private/x") == [] and len(server.hits("/robots.txt")) == 1  # cached per host


def test_unreachable_robots_disallows_everything(server: LocalServer) -> None:
    server.routes["/robots.txt"] = Route(b"down", status=500)
    server.routes["/ok"] = Route(PAGE)
    (result,) = fetch_all(local_settings(fetch__retries=0), [server.url("/ok")])
    # RFC 9309: a 5xx robots.txt means "nothing for now", reported as what it is, not as a disallowed page
    assert isinstance(result, RobotsUnavailable) and not isinstance(result, RobotsDisallowed)
    assert result.reason == "robots.txt unreachable: HTTP 500 Internal Server Error" and result.transient
    assert server.hits("/ok") == []


def test_robots_4xx_allows_and_unreachable_host_says_so(server: LocalServer) -> None:
    import socket

    server.routes["/robots.txt"] = Route(b"gone", status=410)
    server.routes["/ok"] = Route(PAGE)
    (result,) = fetch_all(local_settings(), [server.url("/ok")])
    assert not isinstance(result, Exception) and len(server.hits("/ok")) == 1
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (dead,) = fetch_all(local_settings(fetch__retries=0), [f"http://127.0.0.1:{port}/x"])
    assert isinstance(dead, RobotsUnavailable) and dead.reason == "robots.txt unreachable: connection refused"
    # the host's trouble, not robots.txt's: it is told so, and it is still kept due like any robots.txt
    assert isinstance(dead, RobotsHostUnreachable) and dead.cause == "connection refused" and dead.transient


def test_robots_txt_of_a_host_that_does_not_resolve_says_the_host() -> None:
    """RFC 6761: .invalid never resolves.  The crawl keeps the URL due, as for any robots.txt it cannot
    read (a RobotsUnavailable); the error is also a HostNotFound, not worth retrying, for whoever says
    what went wrong; the robots.txt request is reported as before."""
    reported: list[tuple[str, str | None]] = []

    async def go() -> BaseException | None:
        async with Fetcher(local_settings()) as fetcher:
            polite = Polite(fetcher, local_settings(), report=lambda u, st, n, sec, err: reported.append((u, err)))
            try:
                await polite.fetch("http://news.example.invalid/2024/story")
            except FetchError as exc:
                return exc
            return None

    error = asyncio.run(go())
    assert isinstance(error, RobotsUnavailable) and isinstance(error, HostNotFound) and not error.transient
    assert reported == [
        ("http://news.example.invalid/robots.txt", "robots.txt unreachable: DNS lookup failed (no such host)")
    ]


def test_retry_after_is_honoured(server: LocalServer) -> None:
    calls = []

    def limited(req: BaseHTTPRequestHandler) -> None:
        calls.append(time.monotonic())
        status, extra = (429, [("Retry-After", "1")]) if len(calls) == 1 else (200, [])
        req.send_response(status)
        for k, v in [("Content-Type", "text/html"), ("Content-Length", str(len(PAGE))), *extra]:
            req.send_header(k, v)
        req.end_headers()
        req.wfile.write(PAGE)

    server.routes["/limited"] = Route(handler=limited)
    (page,) = fetch_all(local_settings(), [server.url("/limited")])
    assert page.status == 200
    at = starts(server, "/limited")
    assert len(at) == 2 and at[1] - at[0] >= 0.95


def test_retry_after_beyond_the_cap_gives_up(server: LocalServer) -> None:
    server.routes["/busy"] = Route(PAGE, status=503, headers={"Retry-After": "3600"})
    (error,) = fetch_all(local_settings(fetch__max_retry_after=5.0), [server.url("/busy")])
    assert isinstance(error, FetchError) and "over the 5s cap" in error.reason
    assert len(server.hits("/busy")) == 1


def test_5xx_is_retried_with_growing_backoff(server: LocalServer) -> None:
    server.routes["/flaky"] = Route(PAGE, status=502)
    (error,) = fetch_all(local_settings(fetch__retries=3, fetch__backoff=0.1), [server.url("/flaky")])
    assert isinstance(error, BadStatusError) and error.status == 502
    at = starts(server, "/flaky")
    gaps = [b - a for a, b in pairwise(at)]
    assert len(at) == 4  # one try and three retries
    assert gaps[0] >= 0.04 and gaps[2] >= 0.19  # 0.1 * 2**k, jittered by 0.5-1.5
    assert gaps[2] > gaps[0]  # 0.4 x (0.5-1.5) always exceeds 0.1 x (0.5-1.5): the backoff grows


def test_404_is_not_retried(server: LocalServer) -> None:
    (error,) = fetch_all(local_settings(), [server.url("/missing")])
    assert isinstance(error, BadStatusError) and len(server.hits("/missing")) == 1


def test_a_host_that_keeps_failing_is_backed_off(server: LocalServer) -> None:
    for i in range(4):
        server.routes[f"/down{i}"] = Route(PAGE, status=503)
    s = local_settings(
        fetch__retries=0, crawl__host_failures=2, crawl__host_backoff=1000.0, crawl__per_host_concurrency=1
    )
    results = fetch_all(s, [server.url(f"/down{i}") for i in range(4)])
    assert sum(isinstance(r, HostBackedOff) for r in results) >= 1
    assert len(starts(server, "/down")) <= 3  # paused, not hammered


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_pauses_the_whole_host(server: LocalServer, status: int) -> None:
    server.routes["/a"] = Route(PAGE, status=status, headers={"Retry-After": "1"})
    server.routes["/b"] = Route(PAGE)

    async def go() -> None:
        async with Fetcher(local_settings(fetch__retries=1, crawl__per_host_concurrency=2)) as fetcher:
            polite = Polite(fetcher, local_settings(fetch__retries=1, crawl__per_host_concurrency=2))
            first = asyncio.create_task(polite.fetch(server.url("/a")))
            while not server.hits("/a") or server.hits("/a")[0].end == float("inf"):
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)  # the complaint has reached the client
            await asyncio.gather(first, polite.fetch(server.url("/b")), return_exceptions=True)

    asyncio.run(go())
    first, again = server.hits("/a")
    (b,) = server.hits("/b")
    # another URL of the same host waits out the Retry-After too, not just the URL that drew it
    assert b.at - first.at >= 0.95 and again.at - first.at >= 0.95


def test_a_late_start_does_not_let_the_next_request_bunch_up(server: LocalServer) -> None:
    """A stalled event loop (a loaded machine) wakes two planned starts at once; only one goes out."""
    for i in range(4):
        server.routes[f"/p{i}"] = Route(PAGE)
    s = local_settings(crawl__min_delay=0.3, crawl__per_host_concurrency=4)

    async def go() -> None:
        async with Fetcher(s) as fetcher:
            polite = Polite(fetcher, s)
            await polite.robots(server.url("/"))

            async def stall() -> None:
                await asyncio.sleep(0.05)
                time.sleep(0.7)  # blocks the loop past the next two planned starts

            await asyncio.gather(stall(), *(polite.fetch(server.url(f"/p{i}")) for i in range(4)))

    asyncio.run(go())
    at = starts(server, "/p")
    gaps = [b - a for a, b in pairwise(at)]
    assert len(at) == 4 and min(gaps) >= 0.2, gaps  # without the check two arrive together after the stall


def test_a_retry_after_pauses_the_host_even_when_the_url_is_not_retried(server: LocalServer) -> None:
    server.routes["/a"] = Route(PAGE, status=429, headers={"Retry-After": "1"})
    server.routes["/b"] = Route(PAGE)
    s = local_settings(fetch__retries=0, crawl__per_host_concurrency=1)

    async def go() -> None:
        async with Fetcher(s) as fetcher:
            polite = Polite(fetcher, s)
            with pytest.raises(BadStatusError):
                await polite.fetch(server.url("/a"))
            await polite.fetch(server.url("/b"))

    asyncio.run(go())
    (a,) = server.hits("/a")
    (b,) = server.hits("/b")
    assert b.at - a.at >= 0.95  # the server's complaint was about us, not about /a
