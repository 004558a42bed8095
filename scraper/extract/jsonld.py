"""JSON-LD: find the article node among all scripts and `@graph`s and read its fields.

Authors may be inline objects, lists, plain strings or `@id` references to a Person elsewhere in
the graph (Yoast); all are resolved here so the caller sees plain names.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

__all__ = ["ARTICLE_TYPES", "JsonLd", "read_jsonld"]

ARTICLE_TYPES = frozenset(
    [
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "socialmediaposting",
        "liveblogposting",
        "techarticle",
        "scholarlyarticle",
        "report",
        "posting",
        "discussionforumposting",
        "medicalwebpage",
    ]
)
_PAGE_TYPES = frozenset({"webpage", "itempage", "aboutpage", "collectionpage", "profilepage", "qapage"})
_ORG_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "localbusiness", "website"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class JsonLd:
    """What the page's structured data says about the article (empty strings: not said)."""

    headline: str = ""
    alt_headline: str = ""  # alternativeHeadline: often the headline as printed, beside a search title
    authors: list[str] = field(default_factory=list)
    author_orgs: list[str] = field(default_factory=list)
    published: str = ""
    modified: str = ""
    body: str = ""
    lang: str = ""
    url: str = ""
    publisher: str = ""
    page_published: str = ""
    page_modified: str = ""
    is_article: bool = False


# the wrappers XHTML-era templates put around a script's JSON: <!-- -->, <![CDATA[ ]]>, and either
# commented out for JavaScript (//<![CDATA[ ... //]]>, /*<![CDATA[*/ ... /*]]>*/)
_WRAP_START = re.compile(r"^(?:\s*(?:<!--|//\s*<!\[CDATA\[|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[))+\s*")
_WRAP_END = re.compile(r"\s*(?:(?://\s*|/\*\s*)?\]\]>(?:\s*\*/)?|-->)+\s*$")


def _load(text: str) -> Any:
    text = text.strip()
    if text[:1] in ("<", "/"):
        text = _WRAP_END.sub("", _WRAP_START.sub("", text))
    try:
        return json.loads(text, strict=False)
    except ValueError:
        try:
            return json.loads(_CONTROL.sub(" ", re.sub(r",\s*([}\]])", r"\1", text)), strict=False)
        except ValueError:
            return None


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def _walk(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    """Flatten scripts, lists and @graph into a list of typed nodes (bounded depth)."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data[:200]:
            _walk(item, out, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            out.append(data)
        graph = data.get("@graph")
        if graph is not None:
            _walk(graph, out, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            _walk(main, out, depth + 1)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return html.unescape(value).strip() if "&" in value else value.strip()
    if isinstance(value, list) and value:
        return _text(value[0])
    if isinstance(value, dict):
        return _text(value.get("@value") or value.get("name"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _people(value: Any, index: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Names of persons and of organisations among an author value."""
    persons: list[str] = []
    orgs: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:20]:
        if isinstance(item, str):
            persons.append(item.strip())
            continue
        if not isinstance(item, dict):
            continue
        ref = item.get("@id")
        if isinstance(ref, str) and ref in index and "name" not in item:
            item = index[ref]
        name = _text(item.get("name"))
        if not name and isinstance(ref, str) and ref in index:
            name = _text(index[ref].get("name"))
        if not name:
            continue
        kinds = _types(item)
        # Yoast types a blog's owner ["Person", "Organization"]: a person first
        (orgs if kinds & _ORG_TYPES and "person" not in kinds else persons).append(name)
    return [p for p in persons if p], orgs


def _pick_article(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    articles = [n for n in nodes if _types(n) & ARTICLE_TYPES]
    if not articles:
        return None
    # the node with a headline and a date is the page's own story, not a teaser in a list
    return max(
        articles,
        key=lambda n: (bool(n.get("headline")), bool(n.get("datePublished")), len(str(n.get("articleBody", "")))),
    )


# works whose author is not the page's: a review's or comment's writer, a photo's photographer, a book on
# sale, an embedded video's channel
_NOT_PAGE_WORK = frozenset(
    {
        *("review", "comment", "answer", "question", "rating", "book", "product", "offer"),
        *("imageobject", "photograph", "videoobject", "audioobject", "mediaobject"),
    }
)


def _authored_work(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Without an article node, the first other creative work that names an author (Recipe, HowTo,
    CreativeWorkSeries, WebPage...): the page's main work states who made it."""
    for node in nodes:
        if (node.get("author") or node.get("creator")) and not _types(node) & (_NOT_PAGE_WORK | _ORG_TYPES):
            return node
    return None


def read_jsonld(tree: LexborHTMLParser) -> JsonLd:
    nodes: list[dict[str, Any]] = []
    for script in tree.css('script[type="application/ld+json"]')[:30]:
        _walk(_load(script.text(deep=True) or ""), nodes)
    result = JsonLd()
    if not nodes:
        return result
    index = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    for node in nodes:
        if _types(node) & _PAGE_TYPES and not result.page_published:
            result.page_published = _text(node.get("datePublished"))
            result.page_modified = _text(node.get("dateModified"))
            result.lang = result.lang or _text(node.get("inLanguage"))
    article = _pick_article(nodes)
    if article is None:
        work = _authored_work(nodes)
        if work is not None:  # a recipe, a how-to, a series: its author is the page's; nothing else is read
            result.authors, result.author_orgs = _people(work.get("author") or work.get("creator"), index)
        return result
    result.is_article = True
    main = article.get("mainEntityOfPage")
    if isinstance(main, dict) and not article.get("headline") and not article.get("datePublished"):
        # some CMSs nest the article's own fields inside its mainEntityOfPage WebPage
        article = {**main, **{k: v for k, v in article.items() if v}}
    result.headline = _text(article.get("headline")) or _text(article.get("name"))
    result.alt_headline = _text(article.get("alternativeHeadline"))
    result.authors, result.author_orgs = _people(article.get("author") or article.get("creator"), index)
    result.published = _text(article.get("datePublished")) or _text(article.get("dateCreated"))
    result.modified = _text(article.get("dateModified"))
    result.body = _text(article.get("articleBody"))
    result.lang = _text(article.get("inLanguage")) or result.lang
    result.url = _text(article.get("url"))
    publisher = article.get("publisher")
    if isinstance(publisher, dict):
        ref = publisher.get("@id")
        publisher = index.get(ref, publisher) if isinstance(ref, str) else publisher
    # a person who publishes their own blog (Yoast types them Person+Organization) is its author too:
    # do not let them be filtered out as "the site"
    is_person = isinstance(publisher, dict) and "person" in _types(publisher)
    result.publisher = "" if is_person else _text(publisher)
    return result
