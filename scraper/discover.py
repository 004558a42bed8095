"""Discovery: from a fetched listing page, feed, sitemap or robots.txt to candidate URLs.

Pure functions (bytes or HTML in, `Link`s out, no I/O), so the crawler's host workers can call
them and tests can feed them strings.  XML is parsed with defusedxml: a sitemap declaring entities
(billion laughs) or external references is refused, not expanded.  Every URL is canonicalised and
kept only when the site owns it.
"""

from __future__ import annotations

import email.utils
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BufferedReader, RawIOBase
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from protego import Protego
from selectolax.lexbor import LexborHTMLParser

from .config import Site
from .errors import DiscoverError
from .extract.depth import check_depth
from .models import Evidence, PageKind
from .urls import canonicalize

__all__ = [
    "Link",
    "classify",
    "discover_links",
    "links_from_feed",
    "links_from_listing",
    "links_from_sitemap",
    "looks_like_article",
    "sitemaps_from_robots",
    "url_evidence",
]

MAX_XML_BYTES = 50_000_000  # the sitemap protocol's own cap on an uncompressed file
FEED_FALLBACK_BYTES = 2_000_000  # a malformed feed larger than this is refused, not handed to feedparser
_MAX_LINKS = 50_000  # default per-document cap (the sitemap protocol's URLs per file)
_READ = 64 * 1024
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
    check_depth(html, base_url)  # the parser is quadratic in depth; a 150k-deep listing took 87 s
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


def links_from_feed(content: bytes, url: str, site: Site, limit: int | None = None) -> list[Link]:
    """Entries of an RSS/Atom feed, as articles (a feed lists stories, whatever their URL looks like).

    A well-formed feed is streamed (defusedxml, no DTD allowed), each entry dropped once read, and
    reading stops after `limit` links.  Only a small malformed feed goes to feedparser's tolerant
    parser, and only once the whole document has been checked for entity declarations.
    """
    limit = _MAX_LINKS if limit is None else limit
    links: list[Link] = []
    try:
        for target, published in _stream_feed(content):
            target = canonicalize(target, url) if target else None
            if target and site.owns(target):
                links.append(Link(target, PageKind.ARTICLE, 1, published=published))
                if len(links) >= limit:
                    break
        return links
    except DefusedXmlException:
        raise DiscoverError(url, "document declares XML entities; refused") from None
    except (ParseError, _TooLarge, zlib.error) as exc:
        if links or len(content) > FEED_FALLBACK_BYTES:
            if links:
                return links  # what came before the damage, as feedparser would give
            raise DiscoverError(url, f"not a feed: {exc}") from None
    return _feedparser_links(content, url, site, limit)


def _feedparser_links(content: bytes, url: str, site: Site, limit: int) -> list[Link]:
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
            if len(links) >= limit:
                break
    return links


_ENTRY_TAGS = ("item", "entry")
_DATE_TAGS = ("pubDate", "published", "date", "updated", "modified", "issued")


def _stream_feed(content: bytes) -> Iterator[tuple[str | None, str | None]]:
    """(link, published) of each RSS item or Atom entry, streamed; raises ParseError if malformed."""
    root: Element | None = None
    for event, elem in iterparse(_xml_stream(content), events=("start", "end"), forbid_dtd=True):
        if root is None:
            root = elem
        if event != "end" or _local(elem.tag) not in _ENTRY_TAGS:
            continue
        link = None
        for child in elem:
            name = _local(child.tag)
            if name == "link":
                rel = child.get("rel", "alternate")
                href = child.get("href") or (child.text or "").strip()
                if href and rel == "alternate" and link is None:
                    link = href
        if link is None:
            guid = next((c for c in elem if _local(c.tag) in ("guid", "id")), None)
            text = (guid.text or "").strip() if guid is not None else ""
            if text.startswith(("http://", "https://")) and (guid is None or guid.get("isPermaLink") != "false"):
                link = text
        dates = {_local(c.tag): (c.text or "").strip() for c in elem if _local(c.tag) in _DATE_TAGS}
        published = next((d for name in _DATE_TAGS if (d := _feed_date(dates.get(name, "")))), None)
        yield link, published
        root.clear()  # drop the entries read so far: memory stays one entry deep


def _feed_date(text: str) -> str | None:
    """An RSS (RFC 822) or Atom (ISO 8601) date as UTC "YYYY-MM-DDTHH:MM:SS+00:00", as feedparser gives."""
    if not text:
        return None
    when: datetime | None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


_DOCTYPE = re.compile(rb"<!doctype", re.IGNORECASE)
_ENTITY = re.compile(rb"<!entity", re.IGNORECASE)


def _refuse_entities(content: bytes, url: str) -> None:
    """feedparser's tolerant parser must never see an entity declaration it could expand.

    The whole document is checked (padding before the DTD defeated a look at the first 4 KB), in one
    linear pass: any `<!ENTITY`, and any DOCTYPE with an internal subset or an external (SYSTEM) reference.
    """
    if _ENTITY.search(content):
        raise DiscoverError(url, "document declares XML entities; refused")
    for match in _DOCTYPE.finditer(content):
        end = content.find(b">", match.end())
        decl = content[match.end() : end if end >= 0 else len(content)].lower()
        if b"[" in decl or b"system" in decl:
            raise DiscoverError(url, "document declares XML entities; refused")


class _TooLarge(Exception):
    """The uncompressed document is over MAX_XML_BYTES."""


class _XmlStream(RawIOBase):
    """The document as a stream for iterparse: gunzipped on the fly if gzip, never more than the cap."""

    def __init__(self, content: bytes) -> None:
        self._gzip = content.startswith(b"\x1f\x8b")
        self._source = memoryview(content)
        self._inflater = zlib.decompressobj(wbits=47)
        self._pos = 0
        self._produced = 0
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            if not self._gzip:
                if self._pos >= len(self._source):
                    return 0
                self._pending = bytes(self._source[self._pos : self._pos + _READ])
                self._pos += len(self._pending)
                break
            if self._inflater.eof:
                return 0
            data = self._inflater.unconsumed_tail
            if not data and self._pos < len(self._source):
                data = bytes(self._source[self._pos : self._pos + _READ])
                self._pos += len(data)
            out = self._inflater.decompress(data, _READ)  # never more than 64 KB at once
            if not out and not data:
                return 0  # input used up (a truncated file ends here; the XML parser says so)
            self._pending = out
        out, self._pending = self._pending[: len(buffer)], self._pending[len(buffer) :]
        self._produced += len(out)
        if self._produced > MAX_XML_BYTES:
            raise _TooLarge(f"larger than {MAX_XML_BYTES:,} bytes uncompressed")
        buffer[: len(out)] = out
        return len(out)


def _xml_stream(content: bytes) -> BufferedReader:
    return BufferedReader(_XmlStream(content), _READ)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(elem: Element, *names: str) -> str | None:
    for child in elem.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def links_from_sitemap(content: bytes, url: str, site: Site, limit: int | None = None) -> list[Link]:
    """URLs of a sitemap (plain, gzip or Google News) and the child sitemaps of a sitemap index.

    Streamed: gunzipped as it is parsed (never more than MAX_XML_BYTES), each `<url>` dropped from
    the tree once read, and reading stops after `limit` links (`crawl.max_discovered`), so a 1.7M-URL
    sitemap costs what `limit` URLs cost.
    """
    limit = _MAX_LINKS if limit is None else limit
    links: list[Link] = []
    root: Element | None = None
    try:
        for event, elem in iterparse(_xml_stream(content), events=("start", "end"), forbid_dtd=True):
            if root is None:
                root = elem
            name = _local(elem.tag)
            if event != "end" or name not in ("url", "sitemap"):
                continue
            loc = canonicalize(_child_text(elem, "loc") or "", url)
            if loc and site.owns(loc):
                if name == "sitemap":
                    links.append(Link(loc, PageKind.SITEMAP, 0, lastmod=_child_text(elem, "lastmod")))
                elif classify(loc, site) or not site.article_pattern:
                    published = _child_text(elem, "publication_date")
                    lastmod = _child_text(elem, "lastmod")
                    links.append(Link(loc, PageKind.ARTICLE, 1, published, lastmod, Evidence.LISTED))
            root.clear()
            if len(links) >= limit:
                break
    except DefusedXmlException as exc:
        raise DiscoverError(url, f"refused: {type(exc).__name__} (DTDs and entities are not allowed)") from None
    except ParseError as exc:
        raise DiscoverError(url, f"malformed XML: {exc}") from None
    except zlib.error as exc:
        raise DiscoverError(url, f"corrupt gzip: {exc}") from None
    except _TooLarge as exc:
        raise DiscoverError(url, f"sitemap {exc}") from None
    return links


def discover_links(
    kind: PageKind, html: str, content: bytes, url: str, site: Site, depth: int, max_depth: int, limit: int
) -> list[Link]:
    """The links of a fetched listing, feed or sitemap: one picklable call, run off the event loop
    (in the extraction pool or a thread) so that a slow document never stalls the crawl or a SIGTERM."""
    if kind == PageKind.FEED:
        return links_from_feed(content, url, site, limit)
    if kind == PageKind.SITEMAP:
        return links_from_sitemap(content, url, site, limit)
    return links_from_listing(html, url, site, depth, max_depth)[:limit]


def sitemaps_from_robots(robots_txt: str, base_url: str, site: Site) -> list[str]:
    """The `Sitemap:` lines of a robots.txt that point inside the site."""
    rp = Protego.parse(robots_txt)
    return list(_owned((canonicalize(u, base_url) for u in rp.sitemaps), site))
