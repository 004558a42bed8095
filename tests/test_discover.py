"""Discovery from each source: listing pages, feeds (and their autodiscovery), sitemaps, robots.txt."""

from __future__ import annotations

import gzip

import pytest

from scraper.config import Selectors, Site
from scraper.discover import (
    links_from_feed,
    links_from_listing,
    links_from_sitemap,
    looks_like_article,
    sitemaps_from_robots,
)
from scraper.errors import DiscoverError
from scraper.models import PageKind
from tests.sitegen import ARTICLE_PATTERN, SELECTORS, SyntheticSite

BASE = "http://news.test"
SITE = Site(name="t", start_urls=(BASE + "/",), selectors=Selectors(**SELECTORS), article_pattern=ARTICLE_PATTERN)
GEN = SyntheticSite(n=50, per_page=5)


def by_kind(links: list, kind: str) -> set[str]:
    return {link.url for link in links if link.kind == kind}


def test_listing_yields_articles_pagination_and_feed() -> None:
    links = links_from_listing(GEN.listing_html("politics", 1), BASE + "/section/politics/", SITE, 0, 2)
    articles = by_kind(links, PageKind.ARTICLE)
    assert articles == {BASE + GEN.article_path(i) for i in GEN.section_items("politics")[:5]}
    assert BASE + "/section/politics/page/2/" in by_kind(links, PageKind.LISTING)
    assert by_kind(links, PageKind.FEED) == {BASE + "/feed.xml"}
    assert all(link.depth == 1 for link in links if link.kind != PageKind.FEED)


def test_listing_follows_nothing_but_articles_at_max_depth() -> None:
    links = links_from_listing(GEN.listing_html("politics", 1), BASE + "/section/politics/", SITE, 2, 2)
    assert by_kind(links, PageKind.LISTING) == set()
    assert len(by_kind(links, PageKind.ARTICLE)) == 5


def test_listing_stays_on_the_site_and_canonicalises() -> None:
    html = """<html><body>
      <a href="/2024/05/01/a-story-about-things-1.html?utm_source=x#c">one</a>
      <a href="/2024/05/01/a-story-about-things-1.html">same</a>
      <a href="https://elsewhere.test/2024/05/01/other-story-here-2.html">off-site</a>
      <a href="mailto:desk@news.test">mail</a><a href="/logo.png">img</a>
    </body></html>"""
    links = links_from_listing(html, BASE + "/", SITE, 0, 1)
    assert by_kind(links, PageKind.ARTICLE) == {BASE + "/2024/05/01/a-story-about-things-1.html"}
    assert [link.url for link in links].count(BASE + "/2024/05/01/a-story-about-things-1.html") == 1


def test_link_selector_marks_articles_without_a_pattern() -> None:
    site = Site(name="t", start_urls=(BASE + "/",), link_selector="a.card-link")
    links = links_from_listing('<a class=card-link href="/p?id=3">x</a><a href="/about">y</a>', BASE + "/", site, 0, 1)
    assert by_kind(links, PageKind.ARTICLE) == {BASE + "/p?id=3"}
    assert by_kind(links, PageKind.LISTING) == {BASE + "/about"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.com/2024/06/20/some-story", True),
        ("https://x.com/politique/le-gouvernement-annonce-un-plan", True),
        ("https://x.com/news/article-1234567", True),
        ("https://x.com/", False),
        ("https://x.com/section/politics/", False),
        ("https://x.com/section/politics/page/2/", False),
        ("https://x.com/img/a-big-photo-of-things.jpg", False),
    ],
)
def test_article_guess_without_pattern(url: str, expected: bool) -> None:
    assert looks_like_article(url) is expected


def test_rss_feed_entries_are_articles_with_dates() -> None:
    feed = GEN.feed_xml().replace("HOST", "news.test").encode()
    links = links_from_feed(feed, BASE + "/feed.xml", SITE)
    assert len(links) == 30 and all(link.kind == PageKind.ARTICLE for link in links)
    assert links[0].url == BASE + GEN.article_path(49)  # utm_medium stripped
    assert links[0].published == GEN.published(49).isoformat()


def test_atom_feed() -> None:
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><title>A</title><link href="http://news.test/2024/01/02/a-b-c-d-9.html"/>
      <updated>2024-01-02T10:00:00Z</updated><id>9</id></entry></feed>"""
    (link,) = links_from_feed(atom, BASE + "/atom.xml", SITE)
    assert link.url == BASE + "/2024/01/02/a-b-c-d-9.html" and link.published == "2024-01-02T10:00:00+00:00"


def test_sitemap_index_and_gzip_sitemap() -> None:
    gen = SyntheticSite(n=1500)
    index = links_from_sitemap(gen.sitemap_index().replace("HOST", "news.test").encode(), BASE + "/i.xml", SITE)
    assert [link.url for link in index] == [BASE + "/sitemaps/articles-0.xml.gz", BASE + "/sitemaps/articles-1.xml.gz"]
    assert all(link.kind == PageKind.SITEMAP for link in index)
    body = gzip.compress(gen.sitemap(1).replace("HOST", "news.test").encode())
    links = links_from_sitemap(body, BASE + "/sitemaps/articles-1.xml.gz", SITE)
    assert len(links) == 500 and links[0].url == BASE + gen.article_path(1000)
    assert links[0].lastmod == f"{gen.published(1000):%Y-%m-%d}"


def test_google_news_sitemap_publication_dates() -> None:
    links = links_from_sitemap(GEN.news_sitemap().replace("HOST", "news.test").encode(), BASE + "/n.xml", SITE)
    assert len(links) == 50
    assert links[0].published == GEN.published(49).isoformat()


def test_sitemap_entity_expansion_is_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol2;</loc></url></urlset>"""
    with pytest.raises(DiscoverError, match="refused"):
        links_from_sitemap(bomb, BASE + "/s.xml", SITE)
    with pytest.raises(DiscoverError, match="entities"):
        links_from_feed(bomb.replace(b"urlset", b"rss"), BASE + "/f.xml", SITE)


def test_external_entity_is_refused() -> None:
    xxe = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
      <urlset><url><loc>&x;</loc></url></urlset>"""
    with pytest.raises(DiscoverError):
        links_from_sitemap(xxe, BASE + "/s.xml", SITE)


def test_malformed_sitemap_is_an_error_not_a_crash() -> None:
    with pytest.raises(DiscoverError, match="malformed"):
        links_from_sitemap(b"<urlset><url><loc>http://news.test/a", BASE + "/s.xml", SITE)


def test_robots_sitemap_lines() -> None:
    text = GEN.robots_txt().replace("HOST", "news.test") + "Sitemap: https://other.test/s.xml\n"
    assert sitemaps_from_robots(text, BASE + "/", SITE) == [BASE + "/sitemap_index.xml", BASE + "/news-sitemap.xml"]
