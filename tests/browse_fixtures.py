"""A small real archive for the browsing tests: an edited story with threaded comments, a second site, and a
hostile article whose every field tries to run script.

Built through `Archive.save` exactly as a crawl would, so the triggers, version numbering and
comment removal under test are the real ones.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import httpx

from scraper.archive.store import Archive
from scraper.models import Article, Comment, Page

__all__ = ["BUDGET_URL", "COPIES", "HOSTILE_URL", "LONG_TITLE", "build_archive", "build_crowded_archive", "serving"]

BUDGET_URL = "https://news.example.fr/2024/05/council-budget"
HEATWAVE_URL = "https://other.example.pt/heatwave"
HOSTILE_URL = "https://evil.example.com/story?id=1&q=%22%3E%3Cscript%3E"
PWN = "window.__pwned=1"

_PARAS_V1 = [
    "The city council approved the 2025 budget on Tuesday evening after a debate that lasted six hours.",
    "The budget raises spending on public transport by twelve percent and freezes the property tax for a"
    " third year running, a promise the mayor made during the campaign.",
    "Opposition councillors said the plan relies on optimistic forecasts of tourist revenue and voted against it.",
    "Residents who attended the session applauded when the final vote was announced shortly before midnight,"
    " and several of them stayed to talk with the councillors about the new tram line.",
    "The budget will be published in full on the city's website next week.",
]
_PARAS_V2 = [*_PARAS_V1]
_PARAS_V2[1] = _PARAS_V2[1].replace("twelve percent", "nine percent")
_PARAS_V3 = [*_PARAS_V2[:4], "A spokesperson later corrected the transport figure.", _PARAS_V2[4]]

_COMMENTS = (
    Comment("c1", "Finally some money for the trams.", author="Lucie", published="2024-05-14T10:00:00+00:00"),
    Comment("c2", "Nine or twelve? The article changed.", "Marc", "2024-05-14T11:00:00+00:00", parent_id="c1"),
    Comment("c3", "This comment will be moderated away.", "Troll", "2024-05-14T11:30:00+00:00", parent_id="c2"),
    Comment("c4", "Who pays for the freeze?", author="Ines", published="2024-05-14T12:00:00+00:00"),
)


def _page(url: str, when: datetime) -> Page:
    return Page(url, url, 200, {}, "", "utf-8", fetched_at=when, content=b"")


def _save(archive: Archive, article: Article, site: str, when: datetime) -> None:
    archive.save(article, page=_page(article.url, when), site=site, store_raw=False)


def build_archive(path: Path) -> Path:
    """Write the fixture archive to `path`; article ids are 1 (budget), 2 (heatwave), 3 (hostile)."""
    budget = Article(
        url=BUDGET_URL,
        title="Council approves budget",
        authors=("Marie Curie", "Jean Dupont"),
        published="2024-05-14T09:00:00+00:00",
        body="\n".join(_PARAS_V1),
        lang="en",
        comments=_COMMENTS,
    )
    heatwave = Article(
        url=HEATWAVE_URL,
        title="Heatwave expected this weekend",
        authors=("Ana Silva",),
        published="2024-06-02T07:30:00+00:00",
        body="Temperatures will reach forty degrees in the south.\nThe budget for cooling centres was doubled.",
        lang="pt",
    )
    hostile = Article(
        url=HOSTILE_URL,
        title=f"<script>{PWN}</script>Hostile headline",
        authors=(f'<img src=x onerror="{PWN}">',),
        published="2024-06-10T08:00:00+00:00",
        body="\n".join(
            [
                f"<script>{PWN};alert('xss')</script> First paragraph of the hostile story.",
                f'<a href="javascript:{PWN}">click me</a> and <img src=x onerror="{PWN}">',
                f'<div onmouseover="{PWN}">hover</div><svg onload="{PWN}"></svg>',
            ]
        ),
        lang="en",
        comments=(Comment("h1", f"<script>{PWN}</script>comment", author=f"<b onclick='{PWN}'>x</b>"),),
    )
    with Archive(path) as archive:
        day = datetime(2024, 5, 14, 9, 5, tzinfo=UTC)
        _save(archive, budget, "news-example", day)
        _save(archive, heatwave, "other-example", datetime(2024, 6, 2, 8, 0, tzinfo=UTC))
        _save(archive, hostile, "evil-example", datetime(2024, 6, 10, 8, 5, tzinfo=UTC))
        # A stealth edit of a figure, then a correction paragraph and a new title; the troll's comment goes.
        _save(archive, replace(budget, body="\n".join(_PARAS_V2)), "news-example", day.replace(hour=13))
        _save(
            archive,
            replace(
                budget,
                title="Council approves budget after six-hour debate",
                body="\n".join(_PARAS_V3),
                comments=tuple(c for c in _COMMENTS if c.id != "c3"),
            ),
            "news-example",
            day.replace(day=15, hour=8),
        )
        _save(
            archive,
            replace(hostile, body=hostile.body + f'\n<iframe src="javascript:{PWN}"></iframe> edited'),
            "evil-example",
            datetime(2024, 6, 11, 8, 5, tzinfo=UTC),
        )
    return path


COPIES = 130  # one wire story, syndicated: 130 search hits, 129 copies beside each
_WIRE_BODY = (
    "The regional wire reports that the harbour authority will dredge the channel this winter so that the"
    " larger ferries can dock at low tide. The work is expected to take eleven weeks and to cost the port"
    " about four million euros, shared with the ministry. Fishermen asked for a quieter schedule at night."
)


_PACT_BODY = (
    "The two leaders signed the treaty in Pyongyang on Wednesday, promising mutual assistance if either"
    " country is attacked. Analysts in Seoul said the text goes further than any agreement since the end"
    " of the Cold War, and the foreign ministry summoned both ambassadors the same evening."
)
LONG_URL = "https://news.example.fr/2024/06/pacte"  # article id 4 + COPIES: a long headline, edited once
LONG_TITLE = "Corée du Nord/Russie: Kim Jong-un et Vladimir Poutine signent un pacte de partenariat stratégique"


def build_crowded_archive(path: Path) -> Path:
    """The fixture archive plus one wire story run by `COPIES` outlets (ids 4 and up) over the last days
    of the timeline, 120 of them on one day: paging, capped lists and a chart whose small counts vanish;
    then an edited story with a long headline (`LONG_URL`), for narrow screens."""
    build_archive(path)
    with Archive(path) as archive:
        for n in range(COPIES):
            day = datetime(2024, 6, 11 if n < 120 else 1 + n % 10, 9, n % 60, tzinfo=UTC)
            story = Article(
                url=f"https://outlet{n:03d}.example.net/wire/harbour-dredging",
                title=f"Harbour channel to be dredged ({n:03d})",
                published=day.isoformat(),
                body=_WIRE_BODY,
                lang="en",
            )
            _save(archive, story, "wire" if n % 2 else "wire-b", day)
        long = Article(url=LONG_URL, title=LONG_TITLE, authors=("Ludeny Phedjyna Eugene",), body=_PACT_BODY, lang="fr")
        when = datetime(2024, 6, 11, 10, 0, tzinfo=UTC)
        _save(archive, long, "news-example", when)
        _save(
            archive,
            replace(long, body=_PACT_BODY.replace("Wednesday", "Tuesday")),
            "news-example",
            when.replace(hour=12),
        )
    return path


class Served(NamedTuple):
    base: str  # http://127.0.0.1:PORT
    pid: int


@contextmanager
def serving(db: Path, log_path: Path, *extra: str) -> Iterator[Served]:
    """`scraper serve` on `db` (with `extra` options) as a real process; yields its base URL and pid
    once it answers, and stops it after."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "scraper", "serve", "--db", str(db), "--port", str(port), *extra],
            stdout=log,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"scraper serve exited with {proc.returncode}: {log_path.read_text()}")
            try:
                if httpx.get(base + "/-/versions.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("scraper serve did not answer within 30 s")
            time.sleep(0.2)
        yield Served(base, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
