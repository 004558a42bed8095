"""What a newcomer's trial of the reader pages found, checked on `scraper serve` in headless Chromium.

The archive has one wire story run by 130 outlets (tests/browse_fixtures.py), so lists overflow and
the day-by-day chart has one tall day beside small ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browse_fixtures import COPIES, Served, build_crowded_archive, serving
from tests.test_browse_e2e import CHROMIUM, CHROMIUM_ARGS

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
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


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
