"""Generic metadata by evidence ranking: JSON-LD, meta tags, microdata, bylines, visible text, URL.

Each finder returns `(value, rule)` so that `Article.sources` can tell the user which rule won.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .html import attr, clean_text
from .jsonld import JsonLd

__all__ = [
    "Doc",
    "find_canonical",
    "find_lang",
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
    title: str = ""
    cache: dict[str, list[str]] = field(default_factory=dict)
    _page_text: str | None = None
    _headline: LexborNode | bool | None = None

    def headline_node(self) -> LexborNode | None:
        """The h1 that carries the title, else the first h1 with text: a site's logo, an image in an
        h1, often comes first."""
        if self._headline is None:
            h1s = self.tree.css("h1")[:6]
            key = _squash(self.title)[:30]
            match = next((h for h in h1s if key and key in _squash(h.text())), None) if key else None
            worded = next((h for h in h1s if h.text().strip()), None)
            self._headline = match or worded or False
        return self._headline if isinstance(self._headline, LexborNode) else None

    def headline_start(self) -> int:
        """Offset of the headline's first line in the page text, or -1."""
        node = self.headline_node()
        heading = node.text(separator="\n").strip().split("\n", 1)[0].strip()[:60] if node is not None else ""
        return self.page_text.find(heading) if heading else -1

    def after_headline(self, limit: int) -> str:
        """Text (one text node a line) of the headline and what follows it in the document, up to `limit`."""
        node = self.headline_node()
        if node is None:
            return ""
        parts = [node.text(separator="\n")]
        total = len(parts[0])
        current: LexborNode | None = node
        while current is not None and current.tag not in ("body", "html") and total < limit:
            if current.tag == "article" and current.mem_id != node.mem_id and total >= _OWN_ARTICLE_MIN:
                break  # what follows the headline's own article is another story's ("Up next")
            sibling = current.next
            while sibling is not None and total < limit:
                if sibling.is_element_node or sibling.tag == "-text":
                    text = sibling.text(separator="\n")
                    parts.append(text)
                    total += len(text)
                sibling = sibling.next
            current = current.parent
        return "\n".join(parts)[:limit]

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


_OWN_ARTICLE_MIN = 200  # an <article> holding little more than its headline is a header, not the story


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


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
            if key:  # RDFa allows several properties in one attribute: "og:title twitter:title"
                for one in key.lower().split():
                    meta.setdefault(one, []).append(content)
    return meta


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
