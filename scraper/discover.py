"""Discovery: from a fetched listing page, feed, sitemap or robots.txt to candidate URLs.

Pure functions (bytes or HTML in, `Link`s out, no I/O), so the crawler's host workers can call
them and tests can feed them strings.  XML is parsed with defusedxml: a sitemap declaring entities
(billion laughs) or external references is refused, not expanded.  Every URL is canonicalised and
kept only when the site owns it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from xml.etree.ElementTree import Element, ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from protego import Protego
from selectolax.lexbor import LexborHTMLParser

from .config import Site
from .errors import DiscoverError
from .models import Evidence, PageKind
from .urls import canonicalize

__all__ = [
    "Link",
    "classify",
    "links_from_feed",
    "links_from_listing",
    "links_from_sitemap",
    "looks_like_article",
    "sitemaps_from_robots",
    "url_evidence",
]

MAX_XML_BYTES = 50_000_000  # the sitemap protocol's own cap on an uncompressed file
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
_PAGER = re.compile(r"(?:[?&](?:page|p|pg)=\d+|/page/\d+/?$|/p/\d+/?$)", re.IGNORECASE)
_NEXT_TEXT = re.compile(r"^\s*(?:next|suivant|siguiente|weiter|nächste|older|more|»|›|>)", re.IGNORECASE)
_DATED = re.compile(r"/(?:19|20)\d{2}[/-](?:0?[1-9]|1[0-2])(?:[/-]|$)")
_SLUG = re.compile(r"/[^/]*[a-z0-9]+(?:-[a-z0-9]+){3,}[^/]*/?$", re.IGNORECASE)
_ID = re.compile(r"[/-]\d{5,}(?:\.html?)?/?$")
_SKIP_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|zip|mp[34]|css|js|ico|woff2?)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Link:
    """A discovered URL: what it is, how many listing hops from a start URL, and any date its source gave."""

    url: str
    kind: PageKind
    depth: int = 0
    published: str | None = None  # Google News publication date, feed entry date
    lastmod: str | None = None  # sitemap lastmod: a newer one makes a known article due
    evidence: Evidence = Evidence.NONE  # how sure `kind` is; a stronger signal wins in the frontier


def looks_like_article(url: str) -> bool:
    """A guess for sites without `article_pattern`: dated paths, long slugs, numeric ids."""
    path = url.split("?", 1)[0].split("://", 1)[-1].partition("/")[2]
    path = "/" + path
    if path in ("", "/") or _SKIP_EXT.search(path) or _PAGER.search(url):
        return False
    return bool(_DATED.search(path) or _SLUG.search(path) or _ID.search(path))


def classify(url: str, site: Site) -> bool:
    """True when `url` is an article of `site` (its `article_pattern` if it has one, else a guess)."""
    if site.article_pattern:
        return re.search(site.article_pattern, url) is not None
    return looks_like_article(url)


def url_evidence(url: str, site: Site) -> Evidence:
    """What a URL alone says: the site's pattern is configured knowledge, a guess is the weakest."""
    if not classify(url, site):
        return Evidence.NONE
    return Evidence.PATTERN if site.article_pattern else Evidence.GUESS


def _owned(urls: Iterable[str | None], site: Site) -> Iterator[str]:
    seen: set[str] = set()
    for url in urls:
        if url and url not in seen and site.owns(url) and not _SKIP_EXT.search(url.split("?", 1)[0]):
            seen.add(url)
            yield url


def links_from_listing(html: str, base_url: str, site: Site, depth: int, max_depth: int) -> list[Link]:
    """Article links, pagination and feeds of a listing page; other pages of the site while depth allows.

    Pagination (rel=next, "Next" links, ?page=N, /page/N) and section links both cost one hop of
    depth, so `max_depth` bounds how far from a start URL the crawl wanders.
    """
    tree = LexborHTMLParser(html)
    base = base_url
    if (node := tree.css_first("base[href]")) is not None:
        base = canonicalize(node.attributes.get("href") or "", base_url) or base_url
    picked: set[str] = set()
    if site.link_selector:
        for node in tree.css(site.link_selector):
            url = canonicalize(node.attributes.get("href") or "", base)
            if url:
                picked.add(url)
    nexts = {
        canonicalize(a.attributes.get("href") or "", base)
        for a in tree.css("a[href], link[rel=next][href]")
        if "next" in (a.attributes.get("rel") or "").lower().split() or _NEXT_TEXT.match(a.text(deep=True) or "")
    }
    out: list[Link] = []
    for url in _owned((canonicalize(a.attributes.get("href") or "", base) for a in tree.css("a[href]")), site):
        if url in picked or classify(url, site):
            sure = Evidence.PATTERN if url in picked else url_evidence(url, site)
            out.append(Link(url, PageKind.ARTICLE, depth + 1, evidence=sure))
        elif depth < max_depth:
            out.append(Link(url, PageKind.LISTING, depth + 1))
    known = {link.url for link in out}
    out.extend(
        Link(u, PageKind.LISTING, depth + 1) for u in _owned(nexts, site) if depth < max_depth and u not in known
    )
    out.extend(Link(url, PageKind.FEED, depth) for url in feeds_from_html(tree, base, site))
    return out


def feeds_from_html(tree: LexborHTMLParser, base: str, site: Site) -> list[str]:
    """Feed autodiscovery: `<link rel=alternate type=application/rss+xml href=...>`."""
    found = []
    for node in tree.css("link[rel][href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        kind = (node.attributes.get("type") or "").lower().strip()
        if "alternate" in rel and kind in _FEED_TYPES:
            found.append(canonicalize(node.attributes.get("href") or "", base))
    return list(_owned(found, site))


def links_from_feed(content: bytes, url: str, site: Site) -> list[Link]:
    """Entries of an RSS/Atom feed, as articles (a feed lists stories, whatever their URL looks like)."""
    _refuse_entities(content, url)
    parsed = feedparser.parse(content, response_headers={"content-location": url})
    if parsed.bozo and not parsed.entries:
        raise DiscoverError(url, f"not a feed: {parsed.get('bozo_exception', 'unreadable')}")
    links = []
    for entry in parsed.entries:
        target = canonicalize(entry.get("link") or "", url)
        if target and site.owns(target):
            # read "updated" only when present: feedparser warns when it has to map it from "published"
            when = entry.get("published_parsed") or (entry["updated_parsed"] if "updated" in entry else None)
            published = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}+00:00".format(*when[:6]) if when else None
            links.append(Link(target, PageKind.ARTICLE, 1, published=published, evidence=Evidence.LISTED))
    return links


def _refuse_entities(content: bytes, url: str) -> None:
    # feedparser's tolerant parser must never see an entity declaration it could expand.
    head = content[:4096].lower()
    if b"<!entity" in head or (b"<!doctype" in head and b"system" in head):
        raise DiscoverError(url, "document declares XML entities; refused")


def _gunzip(content: bytes, url: str) -> bytes:
    if not content.startswith(b"\x1f\x8b"):
        return content
    inflater = zlib.decompressobj(wbits=47)
    try:
        out = inflater.decompress(content, MAX_XML_BYTES + 1)
    except zlib.error as exc:
        raise DiscoverError(url, f"corrupt gzip: {exc}") from None
    if len(out) > MAX_XML_BYTES:
        raise DiscoverError(url, f"sitemap larger than {MAX_XML_BYTES:,} bytes uncompressed")
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(elem: Element, *names: str) -> str | None:
    for child in elem.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def links_from_sitemap(content: bytes, url: str, site: Site) -> list[Link]:
    """URLs of a sitemap (plain, gzip or Google News) and the child sitemaps of a sitemap index.

    Parsed incrementally, clearing each `<url>` once read, so a 50 MB sitemap costs little memory.
    """
    data = _gunzip(content, url)
    links: list[Link] = []
    try:
        for _, elem in iterparse(BytesIO(data), events=("end",), forbid_dtd=True):
            name = _local(elem.tag)
            if name not in ("url", "sitemap"):
                continue
            loc = canonicalize(_child_text(elem, "loc") or "", url)
            if loc and site.owns(loc):
                if name == "sitemap":
                    links.append(Link(loc, PageKind.SITEMAP, 0, lastmod=_child_text(elem, "lastmod")))
                elif classify(loc, site) or not site.article_pattern:
                    published = _child_text(elem, "publication_date")
                    lastmod = _child_text(elem, "lastmod")
                    links.append(Link(loc, PageKind.ARTICLE, 1, published, lastmod, Evidence.LISTED))
            elem.clear()
    except DefusedXmlException as exc:
        raise DiscoverError(url, f"refused: {type(exc).__name__} (DTDs and entities are not allowed)") from None
    except ParseError as exc:
        raise DiscoverError(url, f"malformed XML: {exc}") from None
    return links


def sitemaps_from_robots(robots_txt: str, base_url: str, site: Site) -> list[str]:
    """The `Sitemap:` lines of a robots.txt that point inside the site."""
    rp = Protego.parse(robots_txt)
    return list(_owned((canonicalize(u, base_url) for u in rp.sitemaps), site))
