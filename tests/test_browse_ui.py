"""What a newcomer's trial of the reader pages found, checked on `scraper serve` in headless Chromium.

The archive has one wire story run by 130 outlets (tests/browse_fixtures.py), so lists overflow and
the day-by-day chart has one tall day beside small ones.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browse_fixtures import COPIES, LONG_TITLE, Served, build_archive, build_crowded_archive, serving
from tests.test_browse_e2e import CHROMIUM, SHOTS, _shot, launched

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install '.[test]')")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("crowded")
    with serving(build_crowded_archive(tmp / "archive.db"), tmp / "serve.log") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with launched() as chromium:
        yield chromium


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _titles(page: sync_api.Page) -> list[str]:
    return page.locator(".results a.headline").all_inner_texts()


def test_search_pages_through_every_result(served: Served, page: sync_api.Page) -> None:
    page.goto(served.base + "/-/search?q=harbour")
    sync_api.expect(page.locator(".count")).to_contain_text(f"{COPIES} results for harbour")
    first = _titles(page)
    assert len(first) == 100
    page.get_by_role("link", name="Next results").click()
    assert re.search(r"[?&]page=2\b", page.url)
    sync_api.expect(page.locator(".count")).to_contain_text(f"{COPIES} results")
    sync_api.expect(page.locator(".count")).to_contain_text(f"101–{COPIES} shown")
    second = _titles(page)
    assert len(second) == COPIES - 100 and not set(first) & set(second)
    assert page.get_by_role("link", name="Next results").count() == 0
    page.get_by_role("link", name="Previous results").click()
    assert _titles(page) == first  # the same order each time: rank, then id
    page.goto(served.base + "/-/search?q=harbour&page=99")  # past the end: the last page
    assert _titles(page) == second


def test_copies_sidebar_shows_the_closest_ten_and_links_to_the_rest(served: Served, page: sync_api.Page) -> None:
    page.goto(served.base + "/-/article/4")
    copies = page.locator("#copies li")
    sync_api.expect(copies).to_have_count(10)
    more = page.locator("#copies .more a")
    sync_api.expect(more).to_have_text(f"{COPIES - 1 - 10} more copies →")
    assert page.evaluate("document.documentElement.scrollHeight") < 3000
    more.click()
    sync_api.expect(copies).to_have_count(COPIES - 1)
    sync_api.expect(page.locator("#copies .more")).to_have_count(0)


EXPECTED_ERRORS = {
    "/-/article/1?version=9": 404,
    "/-/article/99999": 404,
    "/-/article/99999.json": 404,
    "/-/changes?site=nope": 404,
    "/-/changes?min_words=x": 400,
    "/-/search?q=x&page=-1": 400,
    "/no-such-page": 404,
}


def _log_after(log: Path, done: int, wanted: str = "") -> str:
    """What `scraper serve` wrote past byte `done`; waits a moment for `wanted` to appear."""
    deadline = time.monotonic() + 5
    while True:
        text = log.read_text(errors="replace")[done:]
        if wanted in text or time.monotonic() > deadline:
            return text
        time.sleep(0.1)


def test_expected_errors_log_no_traceback_but_a_bug_does(tmp_path: Path) -> None:
    db = build_archive(tmp_path / "archive.db")
    with sqlite3.connect(db) as conn:  # a bug on the article page: its comments query fails
        conn.execute("ALTER TABLE comments RENAME TO comments_gone")
    log = tmp_path / "serve.log"
    with serving(db, log) as running:
        start = len(log.read_text())
        for path, status in EXPECTED_ERRORS.items():
            assert httpx.get(running.base + path, timeout=30).status_code == status, path
        quiet = _log_after(log, start)
        assert "Traceback" not in quiet and "╭" not in quiet, quiet[:2000]
        assert len(quiet.splitlines()) <= len(EXPECTED_ERRORS), quiet
        bug = httpx.get(running.base + "/-/article/1", timeout=30)
        assert bug.status_code == 500 and 'class="topbar"' in bug.text  # Datasette's handler, our template
        loud = _log_after(log, start + len(quiet), "no such table: comments")
        assert "Traceback" in loud and "no such table: comments" in loud


@pytest.mark.parametrize("width", [1280, 390])
def test_error_pages_wear_the_newsroom_frame(served: Served, browser: sync_api.Browser, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    for path in ("/-/article/1?version=9", "/-/changes?min_words=x", "/no-such-page"):
        response = page.goto(served.base + path)
        assert response is not None and response.status == EXPECTED_ERRORS[path]
        sync_api.expect(page.locator(".topbar").get_by_role("link", name="Changes")).to_be_visible()
        sync_api.expect(page.locator(".topbar input[name=q]")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    sync_api.expect(page.locator("section.content")).to_contain_text("Error 404")
    page.get_by_role("link", name="Back to the front page").click()
    sync_api.expect(page.locator("h1")).to_have_text("What changed in the news")
    page.goto(served.base + "/-/article/1?version=9")
    sync_api.expect(page.locator("section.content")).to_contain_text("Article 1 has no version 9")
    _shot(page, f"error-{width}.png")
    page.close()


_INSIDE = """(e, width) => { const b = e.getBoundingClientRect(); return b.left >= 0 && b.right <= width; }"""
# every day with any activity has a bar one can see (at least 2 px of the 42 px box)
_BARS = """t => [...t.querySelectorAll('tbody td[title]')].filter(td => !td.title.endsWith(': 0 new, 0 edited'))
    .map(td => [td.title, Math.max(...[...td.querySelectorAll('.bar > span')].map(s => s.offsetHeight))])"""


@pytest.mark.parametrize("width", [390, 1280])
def test_day_chart_shows_today_the_totals_and_every_active_day(
    served: Served, browser: sync_api.Browser, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(served.base + "/")
    table = page.locator("#timeline table.days")
    today = table.locator("thead th").nth(-3)
    assert today.get_attribute("title") == "2024-06-11"
    for cell in (today, table.locator("thead th").last, table.locator("tbody tr").first.locator("td.num").last):
        assert cell.evaluate(_INSIDE, width), cell.inner_text()
    assert table.locator("tbody th").first.evaluate(_INSIDE, width)  # the site names stay in view
    bars = table.evaluate(_BARS)
    assert any(title.startswith("2024-06-10: 1 new") for title, _ in bars)
    assert all(height >= 2 for _, height in bars), [b for b in bars if b[1] < 2]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#timeline").screenshot(path=str(SHOTS / f"timeline-{width}.png"))
    page.close()


LONG_DIFF = f"/-/article/{4 + COPIES}?from=1&to=2"


def _box(page: sync_api.Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def test_a_long_headline_leaves_the_diff_on_the_first_phone_screen(served: Served, browser: sync_api.Browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(served.base + LONG_DIFF)
    sync_api.expect(page.locator("h1")).to_have_text(LONG_TITLE)
    assert _box(page, "header.topbar")["height"] <= 90  # two lines: the links, then the search box
    assert _box(page, "h1")["height"] <= 5 * 32
    diff = _box(page, ".diff-body")
    assert diff["y"] + 40 <= 844, diff  # the first lines of the diff, without scrolling
    _shot(page, "long-headline-390.png")
    for path in ("/", "/-/changes", "/-/latest", "/no-such-page"):  # the same bar everywhere
        page.goto(served.base + path)
        assert _box(page, ".topbar nav")["height"] <= 90, path
    page.close()


def test_the_desk_layout_keeps_its_big_headline_and_one_line_bar(served: Served, browser: sync_api.Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served.base + LONG_DIFF)
    assert _box(page, "header.topbar")["height"] <= 70
    assert page.locator("h1").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 36
    _shot(page, "long-headline-1280.png")
    page.close()
