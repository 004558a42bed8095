"""Generic metadata by evidence ranking: JSON-LD, meta tags, microdata, bylines, visible text, URL.

Each finder returns `(value, rule)` so that `Article.sources` can tell the user which rule won.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .authors import clean_authors
from .html import attr, clean_text
from .jsonld import JsonLd

__all__ = [
    "Doc",
    "find_authors",
    "find_canonical",
    "find_lang",
    "find_title",
    "read_meta",
]

Found = tuple[str, str] | None


@dataclass
class Doc:
    """One parsed page and what every finder needs from it."""

    tree: LexborHTMLParser
    url: str
    now: datetime
    meta: dict[str, list[str]]
    ld: JsonLd
    locale: str = ""
    site_names: list[str] = field(default_factory=list)
    html: str = ""
    _page_text: str | None = None

    @property
    def page_text(self) -> str:
        """The body's text, one text node a line, computed once: date and byline finders scan it."""
        if self._page_text is None:
            body = self.tree.body
            self._page_text = body.text(separator="\n") if body is not None else ""
        return self._page_text

    def first_meta(self, *keys: str) -> Found:
        for key in keys:
            for value in self.meta.get(key, ()):
                if value:
                    return value, f"meta:{key}"
        return None


def read_meta(tree: LexborHTMLParser) -> dict[str, list[str]]:
    """All <meta> contents by lower-cased property/name/itemprop/http-equiv, in page order."""
    meta: dict[str, list[str]] = {}
    head_and_body = tree.css("meta")
    for node in head_and_body[:400]:
        attrs = node.attributes
        content = attrs.get("content")
        if content is None:
            continue
        content = clean_text(content)
        for key_attr in ("property", "name", "itemprop", "http-equiv"):
            key = attrs.get(key_attr)
            if key:
                meta.setdefault(key.strip().lower(), []).append(content)
    return meta


# ---------------------------------------------------------------- title

_TITLE_SEP = re.compile(r"(\s+(?:[|\-–—·•»~]|::)\s+)")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum())


def _site_like(part: str, doc: Doc) -> bool:
    key = _key(part)
    if not key or key.isdigit():
        return True
    host = _key(urlsplit(doc.url).hostname or "")
    if len(key) >= 4 and key in host:
        return True
    return any(key == _key(name) for name in doc.site_names if name)


def strip_site(title: str, doc: Doc) -> str:
    """Drop leading or trailing " | Site" / "Site - " parts that name the site."""
    pieces = _TITLE_SEP.split(title)
    parts, seps = pieces[0::2], pieces[1::2]
    lo, hi = 0, len(parts)
    while hi - lo > 1 and _site_like(parts[hi - 1], doc):
        hi -= 1
    while hi - lo > 1 and _site_like(parts[lo], doc):
        lo += 1
    short_tail = hi - lo > 1 and "|" in seps[hi - 2] and len(parts[hi - 1].split()) <= 4
    if short_tail and len(" ".join(parts[lo : hi - 1]).split()) >= 4:
        hi -= 1
    if hi - lo > 1:
        longest = max(range(lo, hi), key=lambda i: len(parts[i]))
        others = [parts[i] for i in range(lo, hi) if i != longest]
        if len(parts[longest].split()) >= 4 and all(len(o.split()) <= 2 for o in others):
            lo, hi = longest, longest + 1
    return "".join(pieces[2 * lo : 2 * hi - 1]).strip()


def _similar(h1: str, other: str) -> bool:
    a, b = _key(h1), _key(other)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 12 and long_.startswith(short) and len(short) >= 0.4 * len(long_)


def _h1s(doc: Doc) -> list[str]:
    texts = []
    for node in doc.tree.css("h1")[:6]:
        text = clean_text(node.text(separator=" "))
        if 2 <= len(text) <= 300:
            texts.append(text)
    return texts


def find_title(doc: Doc) -> Found:
    metas: list[tuple[str, str]] = []
    if doc.ld.headline:
        metas.append((clean_text(doc.ld.headline), "jsonld:headline"))
    for key in ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title", "citation_title"):
        found = doc.first_meta(key)
        if found:
            metas.append((clean_text(found[0]), found[1]))
    title_node = doc.tree.css_first("title")
    page_title = clean_text(title_node.text()) if title_node is not None else ""
    if page_title:
        metas.append((page_title, "title"))
    h1s = _h1s(doc)
    for h1 in (strip_site(h, doc) for h in h1s):
        if any(_similar(h1, value) or _similar(h1, strip_site(value, doc)) for value, _ in metas):
            return h1, "h1"
    for value, rule in metas:
        stripped = strip_site(value, doc)
        if stripped and not _site_like(stripped, doc):
            return stripped, rule
    if h1s:
        return h1s[0], "h1"
    return None


# ---------------------------------------------------------------- authors

_META_AUTHOR = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "byl",
    "og:article:author",
    "article.author",
)
_BYLINE_CSS = (
    "[itemprop=author] [itemprop=name]",
    "[itemprop=author]",
    "a[rel=author]",
    ".author.vcard .fn",
    ".byline .author",
    ".byline [class*=name]",
    "[class*=byline] a",
    ".byline",
    "[class*=byline]",
    ".author-name",
    ".post-author",
    ".entry-author",
    ".article-author",
    "[class*=author-name]",
    "[class*=AuthorName]",
    ".author",
    "[class*=author] a[href*=author]",
    "[class*=signature]",
    "[class*=autor]",
    "[class*=auteur]",
    "[class*=writer]",
    "address",
)
BYLINE_START = re.compile(r"^(?:[Bb]y|[Pp]ar|[Vv]on|[Pp]or|[Dd]oor|[Aa]v|[Aa]f|[Pp]rzez|[Tt]exte?|di|da)\s*:?\s+\S")


def find_authors(doc: Doc) -> tuple[tuple[str, ...], str] | None:
    exclude = [*doc.site_names, doc.ld.publisher]
    if doc.ld.authors:
        names = clean_authors(doc.ld.authors, exclude)
        if names:
            return names, "jsonld:author"
    for key in _META_AUTHOR:
        values = [v for v in doc.meta.get(key, ()) if v and "://" not in v]
        names = clean_authors(values, exclude) if values else ()
        if names:
            return names, f"meta:{key}"
    for css in _BYLINE_CSS:
        for node in doc.tree.css(css)[:3]:
            text = clean_text(node.text(separator=" "))
            if not text or len(text) > 120:
                continue
            names = clean_authors(text, exclude)
            if names:
                return names, css
    for node in doc.tree.css("p, span, div.meta, em, strong")[:60]:
        text = clean_text(node.text(separator=" "))
        if 5 < len(text) < 120 and BYLINE_START.match(text):
            names = clean_authors(text, exclude)
            if names:
                return names, "text:byline"
    if doc.ld.author_orgs:
        names = clean_authors(doc.ld.author_orgs, exclude)
        if names:
            return names, "jsonld:author"
    return None


# ---------------------------------------------------------------- lang, canonical


def find_lang(doc: Doc, fallback: str | None) -> Found:
    html = doc.tree.css_first("html")
    value = attr(html, "lang") or attr(html, "xml:lang") if html is not None else ""
    if value:
        return value, "html[lang]"
    for key in ("og:locale", "content-language", "language", "dc.language"):
        found = doc.first_meta(key)
        if found:
            return found
    if doc.ld.lang:
        return doc.ld.lang, "jsonld:inLanguage"
    return (fallback, "site:lang") if fallback else None


def normalise_lang(value: str) -> str:
    """'fr_FR', 'FR-fr' -> 'fr'; '' for nonsense."""
    code = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else ""


def find_canonical(doc: Doc) -> Found:
    for node in doc.tree.css("link[rel]")[:60]:
        if "canonical" in attr(node, "rel").lower().split():
            href = attr(node, "href")
            if href:
                return _absolute(doc.url, href), "link[rel=canonical]"
    found = doc.first_meta("og:url")
    if found:
        return _absolute(doc.url, found[0]), found[1]
    return None


def _absolute(base: str, href: str) -> str:
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return href.strip()


def byline_nodes(tree: LexborHTMLParser) -> list[LexborNode]:
    return tree.css(", ".join(_BYLINE_CSS[:6]))
