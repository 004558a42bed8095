"""A page's kind from ranked evidence, and nothing that is not an article becoming a version.

Crawls of sites nobody configured (no `article_pattern`, no selectors) against real local servers:
every article archived, whatever linked to it first; walls served on a revisit add no version.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scraper.archive.store import Archive
from scraper.classify import judge, read_markup
from scraper.cli import cli
from scraper.config import Config
from scraper.crawl.frontier import Frontier, Update
from scraper.crawl.round import CrawlOptions, adhoc_site, crawl
from scraper.discover import Link
from scraper.extract import extract_article
from scraper.models import Article, Evidence, Outcome, PageKind, UrlState
from tests.conftest import local_settings, rows
from tests.server import PAGES, LocalServer, Route
from tests.sitegen import SyntheticSite, mount


def cli_run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def fast_config(tmp_path: Path) -> Path:
    path = tmp_path / "config"
    (path / "sites").mkdir(parents=True)
    (path / "settings.toml").write_text("[crawl]\nmin_delay = 0\nper_host_concurrency = 4\n", encoding="utf-8")
    return path


def article_hits(server: LocalServer, gen: SyntheticSite) -> dict[str, int]:
    paths = set(gen.article_paths())
    out: dict[str, int] = {}
    for seen in server.log:
        path = seen.path.split("?")[0]
        if path in paths:
            out[path] = out.get(path, 0) + 1
    return out


# ------------------------------------------------------------------ (a) every article, unconfigured


def test_adhoc_sitemap_crawl_of_plain_url_site_archives_all_21(
    server: LocalServer, tmp_path: Path, fast_config: Path
) -> None:
    gen = SyntheticSite(n=21, plain_urls=True)  # nothing in an article's URL says "article"
    mount(server, gen)
    db = tmp_path / "a.db"
    args = ["crawl", server.url("/"), "--db", str(db), "--config", str(fast_config), "--sitemap", "--no-progress"]
    result = cli_run(*args)
    print(result.output)
    assert result.exit_code == 0, result.output
    archived = {url for (url,) in rows(db, "SELECT url FROM articles")}
    assert archived == {server.url(p) for p in gen.article_paths()}  # 21 of 21
    assert "21 new" in result.output
    missing = rows(db, "SELECT count(*) FROM fetches WHERE status IN (404, 410)")[0][0]  # the footer's links
    assert missing > 0 and f" errors ({missing} of them 404/410)," in result.output
    hits = article_hits(server, gen)
    assert len(hits) == 21 and max(hits.values()) == 1  # no article fetched twice
    assert rows(db, "SELECT count(*) FROM versions") == [(21,)]
    # the home page and the sections are listings, never versions
    assert rows(db, "SELECT count(*) FROM articles WHERE url NOT LIKE '%.html'") == [(0,)]

    again = cli_run(*args)  # a second run finds nothing new and archives no junk
    assert again.exit_code == 0, again.output
    assert rows(db, "SELECT count(*) FROM articles") == [(21,)]


def test_two_plain_url_articles_linked_listed_and_in_the_feed(
    server: LocalServer, tmp_path: Path, fast_config: Path
) -> None:
    base = server.url("")
    server.routes["/"] = Route(
        (
            "<!doctype html><html lang=en><head><title>The Weekly Harbour</title>"
            '<link rel=alternate type="application/rss+xml" href="/feed.xml"></head><body>'
            "<header><a href=/>The Weekly Harbour</a><nav><a href=/about>About</a></nav></header>"
            "<main><h1>Latest</h1><ul><li><a href=/bonjour>Accord signé</a></li>"
            "<li><a href=/hello>Kitchen stories</a></li></ul></main></body></html>"
        ).encode()
    )
    server.page("/bonjour", "wordpress-post-fr.html")
    server.page("/hello", "ghost-post-en.html")
    server.routes["/about"] = Route(b"<html><body><h1>About us</h1><p>A small weekly.</p></body></html>")
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in ("/bonjour", "/hello"))
    server.routes["/sitemap.xml"] = Route(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(),
        content_type="application/xml",
    )
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in ("/bonjour", "/hello"))
    server.routes["/feed.xml"] = Route(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{items}</channel></rss>'.encode(),
        content_type="application/rss+xml",
    )
    db = tmp_path / "a.db"
    result = cli_run("crawl", base + "/", "--db", str(db), "--config", str(fast_config), "--sitemap", "--no-progress")
    assert result.exit_code == 0, result.output
    assert sorted(url for (url,) in rows(db, "SELECT url FROM articles")) == [base + "/bonjour", base + "/hello"]
    assert len(server.hits("/bonjour")) == len(server.hits("/hello")) == 1
    kinds = dict(rows(db, "SELECT url, kind FROM frontier WHERE url LIKE '%/about' OR url LIKE '%/bonjour'"))
    assert kinds == {base + "/about": "listing", base + "/bonjour": "article"}


def test_a_stronger_signal_upgrades_a_listing_and_a_weaker_never_downgrades(db_path: Path) -> None:
    url, other = "https://news.test/story", "https://news.test/section"
    with Archive(db_path) as archive:
        frontier = Frontier(archive)
        frontier.add("s", [Link(url, PageKind.LISTING, 1), Link(other, PageKind.LISTING, 1)], 100.0, 50.0)
        frontier.apply([Update(x, UrlState.DONE, None, 100.0) for x in (url, other)])
        frontier.add("s", [Link(url, PageKind.ARTICLE, 1, evidence=Evidence.LISTED)], 200.0, 150.0)
        frontier.add("s", [Link(url, PageKind.LISTING, 2)], 300.0, 250.0)  # a nav link says nothing
        frontier.add("s", [Link(other, PageKind.ARTICLE, 2, evidence=Evidence.GUESS)], 300.0, 250.0)
        got = dict(
            (u, (k, e, d)) for u, k, e, d in archive.conn.execute("SELECT url, kind, evidence, next_due FROM frontier")
        )
    assert got[url] == ("article", Evidence.LISTED, 200.0)  # upgraded, and due now to be fetched as an article
    assert got[other][:2] == ("article", Evidence.GUESS)  # a guess beats nothing


def test_a_start_url_that_is_an_article_is_archived_and_its_links_followed(server: LocalServer, db_path: Path) -> None:
    gen = SyntheticSite(n=6, plain_urls=True)
    mount(server, gen)
    site = adhoc_site(server.url(gen.article_path(2)))  # an article as the only start URL
    config = Config(settings=local_settings(crawl__extract_processes=0, crawl__per_host_concurrency=4))
    asyncio.run(crawl(config, [site], db_path, options=CrawlOptions(max_depth=1)))
    archived = {url for (url,) in rows(db_path, "SELECT url FROM articles")}
    assert server.url(gen.article_path(2)) in archived
    assert len(archived) >= 3  # its related links were followed and are articles by their markup


# ------------------------------------------------------------------ (b) nothing that is not an article


@pytest.mark.parametrize("wall", ["consent", "paywall", "captcha"])
def test_a_wall_served_on_a_revisit_adds_no_version(server: LocalServer, db_path: Path, wall: str) -> None:
    gen = SyntheticSite(n=6, plain_urls=True)
    mount(server, gen)
    site = adhoc_site(server.url("/"))
    config = Config(settings=local_settings(crawl__extract_processes=0, crawl__per_host_concurrency=4))
    options: dict[str, Any] = {"robots_sitemaps": True}
    asyncio.run(crawl(config, [site], db_path, options=CrawlOptions(**options)))
    assert rows(db_path, "SELECT count(*) FROM versions") == [(6,)]
    for i in range(6):
        gen.walls[i] = wall
    counts = asyncio.run(crawl(config, [site], db_path, options=CrawlOptions(recheck_all=True, **options)))
    assert rows(db_path, "SELECT count(*) FROM versions") == [(6,)]  # no version added or replaced
    assert rows(db_path, "SELECT max(version_count) FROM articles") == [(1,)]
    logged = rows(db_path, "SELECT outcome, error FROM fetches WHERE outcome IN ('blocked', 'not-article')")
    assert len(logged) == 6 and {o for o, _ in logged} == {"blocked"}
    assert all(wall.replace("captcha", "captcha or bot block").split()[0] in e for _, e in logged), logged
    assert counts[site.name].rejected == 6 and counts[site.name].new == counts[site.name].changed == 0
    states = {s for (s,) in rows(db_path, "SELECT state FROM articles")}
    assert states == {"live"}  # the story is still there, behind the wall


def page_verdict(html: str, held: str | None = None, url: str = "https://news.test/a") -> Any:
    return judge(read_markup(html), extract_article(html, url), held)


SHELL = "<!doctype html><html lang={lang}><head><title>{title}</title></head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("lang", "title", "body", "outcome", "reason"),
    [
        (
            "de",
            "Bevor Sie fortfahren",
            "<div class=cmp><h2>Wir verwenden Cookies</h2><p>Mit Ihrer Einwilligung"
            " verarbeiten wir und unsere Partner Daten.</p><button>Alle akzeptieren</button></div>",
            "blocked",
            "consent wall",
        ),
        (
            "fr",
            "Vérification",
            "<h1>Vérifiez que vous êtes humain</h1><p>Je ne suis pas un robot</p>",
            "blocked",
            "captcha",
        ),
        (
            "es",
            "Página no encontrada",
            "<h1>Página no encontrada</h1><p>Lo sentimos, la página que busca no"
            " existe o ha sido movida.</p><a href=/>Inicio</a>",
            "not-article",
            "not found",
        ),
        (
            "en",
            "Reader",
            "<noscript>You need to enable JavaScript to run this app.</noscript><div id=root></div>",
            "not-article",
            "JavaScript",
        ),
        ("it", "Notizie", "<div id=app></div>", "not-article", "empty page"),
    ],
)
def test_walls_shells_and_soft_404s_in_several_languages(
    lang: str, title: str, body: str, outcome: str, reason: str
) -> None:
    verdict = page_verdict(SHELL.format(lang=lang, title=title, body=body))
    assert verdict is not None and verdict.outcome == outcome and reason in verdict.reason


def test_real_articles_pass_and_a_teaser_of_one_does_not() -> None:
    for path in sorted(PAGES.glob("*.html")) + sorted((PAGES / "generic").glob("*.html")):
        html = path.read_text(encoding="utf-8", errors="replace")
        assert page_verdict(html) is None, path.name
    gen = SyntheticSite(n=4)
    full = extract_article(gen.article_html(1), "https://news.test/a")
    stub = page_verdict(gen.wall_html(1, "paywall"), held=full.body)
    assert stub is not None and stub.outcome == Outcome.BLOCKED and "paywall stub" in stub.reason
    assert page_verdict(gen.wall_html(1, "paywall")) is None  # a short story we never saw in full is a story
    edited = Article(url="x", body=full.body + "\nA correction was appended.")
    assert judge(read_markup(gen.article_html(1)), edited, full.body) is None  # a longer edit is an edit


def test_fetch_of_an_index_page_is_refused_unless_forced(server: LocalServer, db_path: Path, fast_config: Path) -> None:
    gen = SyntheticSite(n=12)
    mount(server, gen)
    args = ["--db", str(db_path), "--config", str(fast_config)]
    refused = CliRunner().invoke(cli, ["fetch", server.url("/"), *args])
    assert refused.exit_code == 1
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1 and "not archived" in lines[0] and "index page" in lines[0], refused.output
    assert rows(db_path, "SELECT count(*) FROM versions") == [(0,)]
    assert rows(db_path, "SELECT outcome FROM fetches") == [("not-article",)]
    forced = CliRunner().invoke(cli, ["fetch", server.url("/"), "--force", "--json", *args])
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["archive"]["status"] == "new"
    article = CliRunner().invoke(cli, ["fetch", server.url(gen.article_path(3)), *args])
    assert article.exit_code == 0 and article.output.startswith("new · version 1")
