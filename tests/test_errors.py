"""The error tree: every error pickles with its attributes, and `transient` is set where a failure happens."""

from __future__ import annotations

import pickle

import pytest

from scraper import errors
from scraper.errors import (
    AddressRefused,
    ArchiveError,
    BadStatusError,
    BrokerError,
    ConfigError,
    ConfigErrors,
    CrawlStopped,
    DecodeLimitError,
    DiscoverError,
    ExportError,
    ExtractError,
    FetchError,
    HostBackedOff,
    HostNotFound,
    HostUnreachable,
    NotHTMLError,
    RobotsDisallowed,
    RobotsHostNotFound,
    RobotsHostUnreachable,
    RobotsUnavailable,
    ScraperError,
    SiteBusy,
    TooLargeError,
)

EXAMPLES = [
    ScraperError("a plain message"),
    ConfigError("config/sites/a.toml", "start_urls", "must be a list"),
    ConfigError("config/settings.toml", None, "not TOML"),
    ConfigErrors([ConfigError("config/sites/a.toml", "every", "not a duration"), ConfigError("s.toml", None, "x")]),
    FetchError("https://a.example/", "read timeout after 20s", transient=True),
    BadStatusError("https://a.example/", "HTTP 503", status=503, retry_after=30.0, transient=True),
    NotHTMLError("https://a.example/x.pdf", "content type 'application/pdf' is not HTML", status=200),
    TooLargeError("https://a.example/", "body over the cap", status=200),
    RobotsDisallowed("https://a.example/private", "robots.txt disallows it"),
    RobotsUnavailable("https://a.example/", "robots.txt unreachable: connection refused", transient=True),
    RobotsHostNotFound("https://nowhere.example/", "robots.txt unreachable: DNS lookup failed (no such host)"),
    BrokerError("redis://127.0.0.1:6379/0", "connection refused"),
    SiteBusy("a is being crawled on this archive by pid 42 on host-1 since 2026-12-01T10:00:00+00:00"),
    HostNotFound("https://nowhere.example/", "DNS lookup failed (no such host)"),
    HostUnreachable("https://a.example/", "connection refused", transient=True),
    RobotsHostUnreachable(
        "https://a.example/", "robots.txt unreachable: connection refused", cause="connection refused"
    ),
    AddressRefused("https://a.example/", "refused: a.example resolves to a private or loopback address"),
    HostBackedOff("https://a.example/", "host paused for 600s after repeated failures"),
    CrawlStopped("https://a.example/", "the crawl was stopped before this request went out"),
    DecodeLimitError("body larger than 10 bytes after decompression", over_cap=True),
    DiscoverError("https://a.example/sitemap.xml", "malformed XML"),
    ExtractError("https://a.example/", "empty document"),
    ArchiveError("archive.db: cannot open archive"),
    ExportError("out.csv: is a directory"),
]


def test_every_error_of_the_tree_has_an_example() -> None:
    assert {type(e).__name__ for e in EXAMPLES} == set(errors.__all__)


def _state(error: ScraperError) -> dict[str, object]:
    """An error's attributes, nested errors (ConfigErrors) by their message: exceptions have no ==."""
    return {k: [str(e) for e in v] if isinstance(v, list) else v for k, v in vars(error).items()}


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_errors_pickle_with_their_attributes(error: ScraperError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert _state(again) == _state(error)
    assert again.transient == error.transient


def test_the_docstring_draws_every_error() -> None:
    assert errors.__doc__ is not None
    assert all(name in errors.__doc__ for name in errors.__all__)
