"""URL canonicalisation: the variants of one article's URL fold to one string."""

from __future__ import annotations

import pytest

from scraper.urls import canonicalize, host_of, origin_of


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://News.Example.com/a/b", "https://news.example.com/a/b"),
        ("https://news.example.com/a#comments", "https://news.example.com/a"),
        ("https://news.example.com:443/a", "https://news.example.com/a"),
        ("http://news.example.com:80/a", "http://news.example.com/a"),
        ("http://news.example.com:8080/a", "http://news.example.com:8080/a"),
        ("https://news.example.com", "https://news.example.com/"),
        ("https://x.com/a?utm_source=tw&utm_medium=social&id=7", "https://x.com/a?id=7"),
        ("https://x.com/a?fbclid=abc&gclid=def&mc_cid=1&_ga=2", "https://x.com/a"),
        ("https://x.com/a?b=2&a=1", "https://x.com/a?a=1&b=2"),
        ("https://x.com/%7Euser/caf%C3%A9", "https://x.com/~user/caf%C3%A9"),
        ("https://x.com/a b", "https://x.com/a%20b"),
        ("https://bücher.de/x", "https://xn--bcher-kva.de/x"),
    ],
)
def test_canonical_forms(raw: str, expected: str) -> None:
    assert canonicalize(raw) == expected


def test_relative_links_resolve_against_the_page() -> None:
    assert canonicalize("../b?utm_campaign=x#top", "https://x.com/news/a/") == "https://x.com/news/b"
    assert canonicalize("//cdn.x.com/p", "https://x.com/") == "https://cdn.x.com/p"


@pytest.mark.parametrize(
    "raw", ["", "mailto:desk@x.com", "javascript:void(0)", "ftp://x.com/f", "https://", "http://[::1"]
)
def test_unusable_urls_are_none(raw: str) -> None:
    assert canonicalize(raw) is None


def test_query_values_are_kept_exactly() -> None:
    assert canonicalize("https://x.com/s?q=a%26b&page=2") == "https://x.com/s?page=2&q=a%26b"


def test_host_and_origin() -> None:
    assert host_of("http://127.0.0.1:8080/x") == "127.0.0.1:8080"
    assert host_of("https://X.com:443/") == "x.com"
    assert origin_of("https://X.com/a/b?c") == "https://x.com"
