"""End to end: `scraper serve` as a real process, driven by Debian's headless Chromium through Playwright.

A reader searches, opens an article, compares two versions, and the page shows the change; the
hostile article's scripts, handlers and `javascript:` links never run.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browse_fixtures import build_archive, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_COPY = Path("/tmp/newsarchive-article-diff.png")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install '.[test]')")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`scraper serve` on a fixture archive; yields its base URL once it answers."""
    with serving(build_archive(tmp_path / "archive.db"), tmp_path / "serve.log") as served:
        yield served.base


@contextlib.contextmanager
def launched() -> Iterator[sync_api.Browser]:
    """Debian's Chromium, headless, driven by Playwright (never `playwright install`)."""
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser() -> Iterator[sync_api.Browser]:
    with launched() as chromium:
        yield chromium


def test_search_open_article_and_compare_versions(server: str, browser: sync_api.Browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # Search from the articles table's own search box.
    page.goto(server + "/archive/articles")
    page.fill("input[name=_search]", "tram")
    page.press("input[name=_search]", "Enter")
    link = page.get_by_role("link", name="Council approves budget after six-hour debate")
    sync_api.expect(link).to_be_visible()
    link.click()

    # The article page: current text as paragraphs, versions, threaded comments.
    sync_api.expect(page.locator("h1")).to_have_text("Council approves budget after six-hour debate")
    assert page.locator("#text p").count() == 6
    sync_api.expect(page.locator("#versions li")).to_have_count(3)
    sync_api.expect(page.locator(".comment.removed .c-author")).to_have_text("Troll")
    assert page.locator(".comment.depth-2").count() == 1

    # Compare v1 with v3 through the form.
    page.select_option("select[name=from]", "1")
    page.select_option("select[name=to]", "3")
    page.get_by_role("button", name="Compare").click()
    sync_api.expect(page.locator("#diff h2")).to_have_text("Changes from version 1 to version 3")
    body = page.locator(".diff-body")
    sync_api.expect(body.locator("del").first).to_have_text("twelve")
    sync_api.expect(body.locator("ins").first).to_have_text("nine")
    sync_api.expect(body.locator("ins").nth(1)).to_have_text("A spokesperson later corrected the transport figure.")
    sync_api.expect(body.locator(".skip")).to_contain_text("unchanged words")
    assert "line-through" in body.locator("del").first.evaluate("e => getComputedStyle(e).textDecorationLine")

    shot = tmp_path / "article-diff.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copyfile(shot, SCREENSHOT_COPY)
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000
    assert dialogs == []


def test_hostile_article_runs_nothing(server: str, browser: sync_api.Browser) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    csp_reports: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: csp_reports.append(m.text) if "Content Security Policy" in m.text else None)

    for path in (
        "/archive/articles",
        "/archive/latest_articles",
        "/archive/search?q=hostile",
        "/archive/comments",
        "/archive/-/article/3",
        "/archive/-/article/3?from=1&to=2&full=1",
    ):
        page.goto(server + path)
        page.mouse.move(200, 300)
        page.mouse.move(400, 500)
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator("[onerror], [onload], [onmouseover], [onclick], iframe").count() == 0, path
        assert page.locator("a[href^='javascript' i]").count() == 0, path

    page.goto(server + "/archive/-/article/3")
    sync_api.expect(page.locator("h1")).to_have_text("<script>window.__pwned=1</script>Hostile headline")
    assert page.locator("main img, main iframe, main script").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.hover("#text p >> nth=2")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert csp_reports == []  # nothing scraped even tried to run: CSP had nothing to block


SHOTS = Path("/tmp/shots")


def _shot(page: sync_api.Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


@pytest.fixture
def renamed_server(tmp_path: Path) -> Iterator[str]:
    """The same archive under another file name: nothing may assume it is called archive.db."""
    with serving(build_archive(tmp_path / "lemonde-2024.db"), tmp_path / "serve.log") as served:
        yield served.base


def test_front_page_leads_to_a_change_and_its_diff(renamed_server: str, browser: sync_api.Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(renamed_server + "/")
    sync_api.expect(page.locator("h1")).to_have_text("What changed in the news")
    change = page.locator("#changes li.change").filter(has_text="six-hour debate")
    sync_api.expect(change.locator(".summary")).to_have_text("+7 −0 words (1 sentence added), headline changed")
    sync_api.expect(change.locator(".was")).to_contain_text("Council approves budget")
    sync_api.expect(page.locator("#newest li")).to_have_count(3)
    sync_api.expect(page.locator("#most-edited li").first).to_contain_text("3 versions")
    sync_api.expect(page.locator("#timeline tbody tr")).to_have_count(3)
    sync_api.expect(page.get_by_role("link", name="versions", exact=True)).to_be_visible()  # Datasette's tables
    _shot(page, "front.png")

    change.locator("a.headline").click()
    sync_api.expect(page.locator("#diff h2")).to_have_text("Changes from version 2 to version 3")
    sync_api.expect(page.locator(".diff-summary")).to_contain_text("headline changed")
    sync_api.expect(page.locator(".diff-body ins").first).to_have_text(
        "A spokesperson later corrected the transport figure."
    )
    sync_api.expect(page.locator("#versions .v-change").first).to_contain_text("+7 −0 words")
    _shot(page, "article.png")

    # Search from the front page's box, with FTS5's OR.
    page.goto(renamed_server + "/")
    page.fill(".big-search input[name=q]", "tram OR heatwave")
    page.press(".big-search input[name=q]", "Enter")
    sync_api.expect(page.locator(".results li")).to_have_count(2)
    assert "SELECT" not in page.locator("body").inner_text()


def test_change_list_at_1280_and_its_atom_feed(renamed_server: str, browser: sync_api.Browser) -> None:
    import feedparser

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(renamed_server + "/-/changes")
    sync_api.expect(page.locator("li.change")).to_have_count(3)
    page.check("input[name=headline]")
    page.get_by_role("button", name="Filter").click()
    sync_api.expect(page.locator("li.change")).to_have_count(1)
    page.uncheck("input[name=headline]")
    page.get_by_role("button", name="Filter").click()
    _shot(page, "changes.png")

    feed_href = page.locator("a.feed").get_attribute("href")
    assert feed_href
    response = page.request.get(renamed_server + feed_href)
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert not feed.bozo and len(feed.entries) == 3
    page.goto(feed.entries[1].link)  # an entry leads to its diff
    sync_api.expect(page.locator("#diff h2")).to_have_text("Changes from version 2 to version 3")

    # Datasette's list view: titles readable, the original link on screen at 1280 px.
    page.goto(renamed_server + "/-/latest")
    title = page.locator("td.col-title").first
    original = page.locator("td.col-url a.original").first
    sync_api.expect(original).to_be_visible()
    box = original.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    title_box = title.bounding_box()
    assert title_box is not None and title_box["width"] >= 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    _shot(page, "latest.png")


READER_PAGES = (
    "/",
    "/-/changes",
    "/-/search?q=budget",
    "/-/article/1?from=1&to=3",
    "/-/article/3?from=1&to=2&full=1",  # a long unbreakable URL in its facts
    "/-/latest",
)


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_is_wider_than_the_screen(server: str, browser: sync_api.Browser, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    for path in READER_PAGES:
        page.goto(server + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= page.evaluate("window.innerWidth"), (path, scroll_width)
        bar = page.locator("header").first.bounding_box()
        assert bar is not None and bar["width"] == width, path  # the dark bar spans the screen
    page.goto(server + "/")
    days = page.locator("#timeline .scroll-x")
    assert days.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    if width == 390:  # 30 day columns do not fit: the table scrolls in its own box
        assert days.evaluate("e => e.scrollWidth > e.clientWidth")
    _shot(page, f"front-{width}.png")


def test_latest_articles_wears_the_newsroom_frame(server: str, browser: sync_api.Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/-/latest")
    sync_api.expect(page.locator(".topbar").get_by_role("link", name="Changes")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).fontFamily") == page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--sans').trim()"
    )
    assert "CREATE VIEW" not in page.locator("body").inner_text()
    sync_api.expect(page.locator("td.col-site")).to_have_count(3)
    one_line = """e => { const r = document.createRange(); r.selectNodeContents(e);
        return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size === 1; }"""
    for column in ("site", "lang", "versions", "comments", "state"):
        for cell in page.locator(f"td.col-{column}").all():
            assert cell.evaluate(one_line), (column, cell.inner_text())
    for header in ("site", "versions", "comments", "published"):
        assert page.locator(f"th.col-{header}").evaluate(
            "e => { const a = e.querySelector('a'); const r = document.createRange(); r.selectNodeContents(a);"
            " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size === 1; }"
        ), header
    _shot(page, "latest-newsroom.png")
