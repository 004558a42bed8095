"""A page without a usable date: every fallback parses each candidate once, and an ISO value is not
retried with dateparser.  Counted on real extractions, the parsers running as they do in a crawl."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scraper.config import Selectors, Site
from scraper.extract import dates, extract_article
from tests.sitegen import ARTICLE_PATTERN, SELECTORS, SyntheticSite

SITE = Site(
    name="synth",
    start_urls=("http://127.0.0.1:1/",),
    allowed_domains=("127.0.0.1",),
    article_pattern=ARTICLE_PATTERN,
    selectors=Selectors(**SELECTORS),
    allow_private=True,
)


class _CountingPattern:
    """Stands in for the year pattern that starts every text scan, recording the texts scanned."""

    def __init__(self, real: re.Pattern[str], seen: Counter[str]) -> None:
        self.real, self.seen = real, seen

    def finditer(self, text: str, *args: Any) -> Any:
        self.seen[text] += 1
        return self.real.finditer(text, *args)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from dateparser.date import DateDataParser

    calls: dict[str, Any] = {"dateparser": 0, "scanned": Counter()}
    real = DateDataParser.get_date_data

    def get_date_data(self: DateDataParser, *args: Any, **kwargs: Any) -> Any:
        calls["dateparser"] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(DateDataParser, "get_date_data", get_date_data)
    monkeypatch.setattr(dates, "_YEAR", _CountingPattern(dates._YEAR, calls["scanned"]))
    dates._absolute_dates.cache_clear()
    return calls


def _future_page() -> tuple[str, str]:
    site = SyntheticSite(n=5, now=datetime.now(UTC) + timedelta(days=400))
    return site.article_html(3), "http://127.0.0.1:1" + site.article_path(3)


def _undated_page() -> tuple[str, str]:
    site = SyntheticSite(n=5)
    html = site.article_html(3)
    html = re.sub(r'<meta property="article:published_time" content="[^"]*">', "", html)
    html = re.sub(r'"datePublished": "[^"]*", ', "", html)
    html = re.sub(r"<time class=published [^>]*>[^<]*</time>", "", html)
    return html, "http://127.0.0.1:1/news/" + site.slug(3) + ".html"


@pytest.mark.parametrize("make", [_future_page, _undated_page], ids=["future date", "no date"])
def test_each_candidate_is_parsed_once(counted: dict[str, Any], make: Any) -> None:
    html, url = make()
    article = extract_article(html, url, SITE)
    assert article.published is None
    scanned: Counter[str] = counted["scanned"]
    assert scanned, "the fallbacks ran"
    assert max(scanned.values()) == 1, [t[:60] for t, n in scanned.items() if n > 1]


def test_an_implausible_iso_value_is_not_handed_to_dateparser(counted: dict[str, Any]) -> None:
    html, url = _future_page()
    assert 'datetime="20' in html  # the site's selector points at an ISO attribute, a year ahead
    extract_article(html, url, SITE)
    assert counted["dateparser"] == 0


def test_a_written_date_still_reaches_dateparser(counted: dict[str, Any]) -> None:
    """The last resort stays for what only it can read, once: a site's selector on a written date."""
    html = SyntheticSite(n=5).article_html(3)
    html = re.sub(
        r"<time class=published [^>]*>[^<]*</time>", "<time class=published>March the 3rd of 2024</time>", html
    )
    site = Site(
        name="synth",
        start_urls=SITE.start_urls,
        allowed_domains=SITE.allowed_domains,
        selectors=Selectors(date="time.published"),
        lang="en",
        allow_private=True,
    )
    article = extract_article(html, "http://127.0.0.1:1/a/x-3.html", site)
    assert article.published == "2024-03-03"
    assert counted["dateparser"] == 1


def test_is_machine_date() -> None:
    assert dates.is_machine_date("2030-01-01T10:00:00+01:00")
    assert dates.is_machine_date(" 2030-01-01 ")
    assert dates.is_machine_date("Tue, 01 Jan 2030 10:00:00 GMT")
    assert not dates.is_machine_date("1 March 2024")
    assert not dates.is_machine_date("2024-03-01, updated 2 March")
    assert dates.parse_date("2024-03-01, updated 2 March") == "2024-03-01"
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert dates.parse_date("2030-01-01T10:00:00+01:00", now=now) is None  # not "2001-01-30" from "30-01-01"


def test_a_day_and_a_three_letter_month_without_a_time_is_read_as_written_text() -> None:
    """ "14 May 2024" looks like RFC 2822 up to its missing time of day, which RFC 2822 requires; taken
    for a machine date, it failed that parse and was never read as text, nor "14 mai 2024" (French),
    "3 Feb 2023" or "9 Okt 2022". With a time it is still RFC 2822."""
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert dates.parse_date("14 May 2024", "en", now) == "2024-05-14"
    assert dates.parse_date("14 mai 2024", "fr", now) == "2024-05-14"
    assert dates.parse_date("3 Feb 2023", "en", now) == "2023-02-03"
    assert dates.parse_date("9 Okt 2022", "de", now) == "2022-10-09"
    assert not dates.is_machine_date("14 May 2024")
    assert dates.is_machine_date("14 May 2024 10:00")
    assert dates.parse_date("Tue, 14 May 2024 10:00:00 GMT", now=now) == "2024-05-14T10:00:00+00:00"
