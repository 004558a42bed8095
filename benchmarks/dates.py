"""Extraction cost by date situation: a good date, a future date (implausible), no date at all.

    python benchmarks/dates.py [--n 200]

The same synthetic article (tests/sitegen.py) three ways, extracted in this process with the site's
selectors; CPU ms per page (time.process_time), and how many times dateparser and the ISO and text
parsers ran per page, counted by wrapping them for the run (the measured code itself is unchanged).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper.config import Selectors, Site  # noqa: E402
from scraper.extract import dates, extract_article  # noqa: E402
from tests.sitegen import ARTICLE_PATTERN, SELECTORS, SyntheticSite  # noqa: E402

_DATE_MARKUP = (
    re.compile(r'<meta property="article:published_time" content="[^"]*">'),
    re.compile(r'"datePublished": "[^"]*", '),
    re.compile(r'<time class=published datetime="[^"]*">[^<]*</time>'),
)


def pages(n: int) -> dict[str, list[tuple[str, str]]]:
    now = datetime.now(UTC)
    good = SyntheticSite(n=n, now=now)
    future = SyntheticSite(n=n, now=now + timedelta(days=400))
    out: dict[str, list[tuple[str, str]]] = {"good date": [], "future date": [], "no date": []}
    for i in range(n):
        out["good date"].append((good.article_html(i), "http://127.0.0.1:1" + good.article_path(i)))
        out["future date"].append((future.article_html(i), "http://127.0.0.1:1" + future.article_path(i)))
        html = good.article_html(i)
        for pattern in _DATE_MARKUP:
            html = pattern.sub("", html)
        out["no date"].append((html, "http://127.0.0.1:1/news/" + good.slug(i) + ".html"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    site = Site(
        name="synth",
        start_urls=("http://127.0.0.1:1/",),
        allowed_domains=("127.0.0.1",),
        article_pattern=ARTICLE_PATTERN,
        selectors=Selectors(**SELECTORS),
        allow_private=True,
    )
    calls = {"dateparser": 0}
    inner = dates._dateparser

    class Counting:
        def __init__(self, real: object) -> None:
            self.real = real

        def get_date_data(self, text: str) -> object:
            calls["dateparser"] += 1
            return self.real.get_date_data(text)  # type: ignore[attr-defined]

    dates._dateparser = lambda lang: Counting(inner(lang))  # type: ignore[assignment]
    sets = pages(args.n)
    for html, url in sets["good date"][:5]:
        extract_article(html, url, site)  # warm up (imports, caches)
    print("| page | extraction CPU ms / page | dateparser calls / page | published found |")
    print("|---|--:|--:|---|")
    for name, items in sets.items():
        calls["dateparser"] = 0
        found = 0
        started = time.process_time()
        for html, url in items:
            found += extract_article(html, url, site).published is not None
        ms = (time.process_time() - started) * 1000 / len(items)
        print(f"| {name} | {ms:.2f} | {calls['dateparser'] / len(items):.2f} | {found}/{len(items)} |")
    print(f"\n(load average {os.getloadavg()[0]:.2f}; {args.n} pages each; {time.strftime('%Y-%m-%d %H:%M')})")


if __name__ == "__main__":
    main()
