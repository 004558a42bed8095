"""What real sites need, per site: headers, cookies, a User-Agent, a proxy, and pages built by script
(`render = "browser"`: headless Chromium at /usr/bin/chromium through Playwright)."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.config import load_site
from scraper.errors import AddressRefused, ConfigError, TooLargeError
from scraper.fetch.browser import CHROMIUM, BrowserFetcher
from scraper.fetch.client import Fetcher
from tests.conftest import local_settings, rows, write_site_file
from tests.server import LocalServer, Route

needs_chromium = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"no Chromium at {CHROMIUM}")

# A blog whose server sends an empty shell: the story and its comments arrive as JSON and are put
# into the page by script, as single-page-app CMSs do.
SHELL = b"""<!doctype html><html lang=en><head><meta charset=utf-8>
<title>Loading... | The Harbour Post</title><meta name=viewport content="width=device-width">
<script src="/static/app.js" defer></script></head>
<body><header class=site-header><a href="/">The Harbour Post</a></header>
<main id=app><div class=spinner>Loading</div></main>
<noscript>You need to enable JavaScript to read this story.</noscript></body></html>"""

APP_JS = b"""
document.addEventListener('DOMContentLoaded', async () => {
  const story = await (await fetch('/api/story.json')).json();
  document.title = story.title + ' | The Harbour Post';
  const ld = document.createElement('script');
  ld.type = 'application/ld+json';
  ld.textContent = JSON.stringify({'@context': 'https://schema.org', '@type': 'NewsArticle',
    headline: story.title, datePublished: story.published, author: {'@type': 'Person', name: story.author}});
  document.head.appendChild(ld);
  const app = document.getElementById('app');
  app.innerHTML = '';
  const article = document.createElement('article');
  article.innerHTML = '<h1 class=headline></h1><p class=byline>By <span class=author></span> <time></time></p>'
    + '<div class=article-body></div>';
  article.querySelector('h1').textContent = story.title;
  article.querySelector('.author').textContent = story.author;
  article.querySelector('time').setAttribute('datetime', story.published);
  for (const text of story.paragraphs) {
    const p = document.createElement('p'); p.textContent = text;
    article.querySelector('.article-body').appendChild(p);
  }
  app.appendChild(article);
  const comments = await (await fetch('/api/comments.json')).json();
  const section = document.createElement('section');
  section.className = 'comments';
  section.innerHTML = '<h2>Comments</h2><ol class=comment-list></ol>';
  for (const c of comments) {
    const li = document.createElement('li');
    li.className = 'comment'; li.id = 'comment-' + c.id;
    li.innerHTML = '<article class=comment-body><footer class=comment-meta><div class="comment-author vcard">'
      + '<b class=fn></b> <span class=says>says:</span></div><div class=comment-metadata><time></time></div>'
      + '</footer><div class=comment-content><p></p></div></article>';
    li.querySelector('.fn').textContent = c.author;
    li.querySelector('time').setAttribute('datetime', c.date);
    li.querySelector('time').textContent = c.date.slice(0, 10);
    li.querySelector('.comment-content p').textContent = c.text;
    section.querySelector('ol').appendChild(li);
  }
  app.appendChild(section);
});
"""

PARAGRAPHS = [
    "The harbour board voted on Monday night to rebuild the north pier, which has been closed to the public"
    " since the winter storms tore away part of its deck and two of its lamp posts.",
    "Work is to start in the spring and last eighteen months. The fishing cooperative, whose boats have been"
    " unloading at the ferry slip since January, welcomed the decision but asked for a temporary landing.",
    "The board's chair said the new pier would be built higher than the old one, to allow for rising sea"
    " levels, and that the cost would be shared between the town, the region and a national fund.",
]
COMMENTS = [
    {"id": 11, "author": "Maggie Ross", "date": "2026-11-30T09:12:00+00:00", "text": "About time too."},
    {"id": 12, "author": "Tom Baird", "date": "2026-11-30T10:40:00+00:00", "text": "Who pays for the ferry slip?"},
]


def serve_app(server: LocalServer) -> str:
    story = {"title": "North pier to be rebuilt", "author": "Iona Clark", "published": "2026-11-29T18:00:00+00:00"}
    server.routes["/news/north-pier"] = Route(SHELL)
    server.routes["/static/app.js"] = Route(APP_JS, content_type="application/javascript")
    server.routes["/api/story.json"] = Route(
        json.dumps({**story, "paragraphs": PARAGRAPHS}).encode(), content_type="application/json"
    )
    server.routes["/api/comments.json"] = Route(json.dumps(COMMENTS).encode(), content_type="application/json")
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /drafts/\n", content_type="text/plain")
    server.routes["/drafts/secret"] = Route(SHELL)
    return server.url("/news/north-pier")


def browser_site(config_dir: Path, server: LocalServer, *urls: str) -> None:
    (config_dir / "settings.toml").write_text("[crawl]\nmin_delay = 0\n", encoding="utf-8")
    listed = ", ".join(f'"{u}"' for u in urls)
    write_site_file(
        config_dir,
        f'name = "harbour"\nstart_urls = [{listed}]\nallow_private = true\nrender = "browser"\n'
        'user_agent = "HarbourArchive/1.0 (+mailto:desk@example.org)"\n'
        '[headers]\nX-Archive = "yes"\n[cookies]\nconsent = "all"\n',
        "harbour.toml",
    )


@needs_chromium
def test_script_built_page_is_archived_with_its_comments(server: LocalServer, tmp_path: Path, config_dir: Path) -> None:
    url = serve_app(server)
    browser_site(config_dir, server, url, server.url("/drafts/secret"))
    db = tmp_path / "a.db"
    result = CliRunner().invoke(
        cli, ["crawl", "harbour", "--no-progress", "--db", str(db), "--config", str(config_dir)]
    )
    assert result.exit_code == 0, result.output
    [(title, body, authors)] = rows(db, "SELECT title, body, authors FROM articles")
    assert title == "North pier to be rebuilt" and "Iona Clark" in authors
    assert all(p[:60] in body for p in PARAGRAPHS)
    comments = rows(db, "SELECT author, text, published FROM comments ORDER BY key")
    assert [(a, t) for a, t, _ in comments] == [(c["author"], c["text"]) for c in COMMENTS]
    assert all(p and p.startswith("2026-11-30") for _, _, p in comments)
    [raw] = rows(db, "SELECT count(*) FROM pages")
    assert raw == (1,)  # the rendered DOM is what is stored
    # the browser went through the same rules: the site's headers, cookie and agent; robots.txt obeyed
    page_hits = server.hits("/news/north-pier")
    assert len(page_hits) == 1 and page_hits[0].headers["x-archive"] == "yes"
    assert "consent=all" in page_hits[0].headers.get("cookie", "")
    assert page_hits[0].headers["user-agent"].startswith("HarbourArchive/1.0")
    assert len(server.hits("/api/comments.json")) == 1
    assert server.hits("/drafts/secret") == []


@needs_chromium
def test_browser_keeps_the_byte_cap_and_the_address_rule(server: LocalServer) -> None:
    url = serve_app(server)
    server.routes["/api/story.json"] = Route(
        json.dumps({"title": "Big", "author": "A", "published": "2026-11-29", "paragraphs": ["x" * 40_000]}).encode(),
        content_type="application/json",
    )

    async def go(allow_private: bool, cap: int) -> object:
        fetcher = BrowserFetcher(local_settings(fetch__max_bytes=cap), allow_private=allow_private)
        try:
            return await fetcher.fetch(url)
        except Exception as exc:  # the error is the result under test
            return exc
        finally:
            await fetcher.aclose()

    refused = asyncio.run(go(False, 10_000_000))
    assert isinstance(refused, AddressRefused) and server.hits("/news/north-pier") == []
    too_big = asyncio.run(go(True, 20_000))
    assert isinstance(too_big, TooLargeError), too_big


def test_site_headers_cookies_agent_and_proxy(server: LocalServer, tmp_path: Path, config_dir: Path) -> None:
    proxy = LocalServer().start()  # a forward proxy: it sees absolute URLs
    try:
        story = (Path(__file__).parent / "pages" / "ghost-post-en.html").read_bytes()
        proxy.routes["http://news.invalid/story"] = Route(story)
        write_site_file(
            config_dir,
            'name = "far"\nstart_urls = ["http://news.invalid/story"]\nallow_private = true\n'
            f'proxy = "{proxy.url("")}"\nuser_agent = "FarArchive/2"\n'
            '[headers]\nAccept-Language = "en-GB"\n[cookies]\nconsent = "yes"\nregion = "uk"\n',
            "far.toml",
        )
        db = tmp_path / "a.db"
        result = CliRunner().invoke(
            cli, ["fetch", "http://news.invalid/story", "--db", str(db), "--config", str(config_dir)]
        )
        assert result.exit_code == 0, result.output
        [hit] = proxy.hits("http://news.invalid/story")
        assert hit.headers["user-agent"] == "FarArchive/2" and hit.headers["accept-language"] == "en-GB"
        assert hit.headers["cookie"] == "consent=yes; region=uk"
        assert proxy.hits("http://news.invalid/robots.txt")  # robots.txt asked for, through the proxy too
    finally:
        proxy.stop()

    async def elsewhere() -> str:  # cookies go to the site's hosts only
        site = load_site(config_dir / "sites" / "far.toml")
        server.routes["/other"] = Route(b"<html><body><p>other</p></body></html>")
        async with Fetcher(local_settings(), site=site.__class__(**{**_fields(site), "proxy": None})) as f:
            await f.fetch(server.url("/other"))
        return server.hits("/other")[0].headers.get("cookie", "")

    assert asyncio.run(elsewhere()) == ""


def _fields(site: object) -> dict[str, object]:
    return {name: getattr(site, name) for name in site.__slots__}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('proxy = "socks5://127.0.0.1:1080"', "proxy"),
        ('render = "chrome"', "render"),
        ('user_agent = ""', "user_agent"),
        ('[headers]\nHost = "x"', "headers.Host"),
        ('[headers]\n"Bad Name" = "x"', "headers.Bad Name"),
        ('[cookies]\nconsent = "a;b"', "cookies.consent"),
    ],
)
def test_http_options_are_validated(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(f'name = "s"\nstart_urls = ["https://s.test/"]\n{text}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_site(path)
    assert err.value.key == key


@needs_chromium
def test_robots_txt_applies_to_the_page_s_own_requests(server: LocalServer, tmp_path: Path, config_dir: Path) -> None:
    """A site that disallows its comments API keeps it: the browser aborts the request, the story
    itself is archived."""
    url = serve_app(server)
    server.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /api/comments\n", content_type="text/plain")
    browser_site(config_dir, server, url)
    db = tmp_path / "a.db"
    result = CliRunner().invoke(
        cli, ["crawl", "harbour", "--no-progress", "--db", str(db), "--config", str(config_dir)]
    )
    assert result.exit_code == 0, result.output
    [(title, body)] = rows(db, "SELECT title, body FROM articles")
    assert title == "North pier to be rebuilt" and all(p[:60] in body for p in PARAGRAPHS)
    assert rows(db, "SELECT count(*) FROM comments") == [(0,)]
    assert server.hits("/api/comments.json") == []
    assert len(server.hits("/api/story.json")) == 1  # allowed requests to the same host still go out
