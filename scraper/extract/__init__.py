"""Turn one HTML page into an `Article`: site selectors, then a CMS preset, then generic rules.

Pure: html + url (+ site rules) in, Article out, no I/O.  Every field falls back on its own, and
`Article.sources` names the rule that produced it (see `explain`).  A page that cannot be an Article
raises `ExtractError` with one of its named reasons; any other exception is a bug and keeps its type.
"""

from __future__ import annotations

from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser

from ..config import Site
from ..errors import ExtractError
from ..models import Article
from ..text import clean_article
from .article import ArticleWatch, run
from .depth import check_depth
from .html import parse

__all__ = ["explain", "extract_article", "parse"]


def extract_article(
    html: str,
    url: str,
    site: Site | None = None,
    *,
    fetched_at: datetime | None = None,
    tree: LexborHTMLParser | None = None,
    watch: ArticleWatch | None = None,
) -> Article:
    """Extract title, authors, dates, body, comments, language and canonical URL from `html`.

    `fetched_at` anchors relative dates ("il y a 3 heures"); it defaults to now (UTC).  `tree` is
    `parse(html)` when the caller parsed the page already to read more of it (the crawl's markup
    signals); the caller checked its depth first, and extraction changes it.  `watch` lets that
    caller read the tree on the way (see `article.ArticleWatch`).
    """
    if isinstance(html, bytes | bytearray):
        html = bytes(html).decode("utf-8", "replace")
    if not isinstance(html, str):
        raise ExtractError(str(url), ExtractError.NOT_TEXT)
    if not html or html.isspace():  # `not html.strip()` without copying the page
        raise ExtractError(str(url), ExtractError.EMPTY)
    if tree is None:
        check_depth(html, str(url))  # before the parser: tree building is quadratic in nesting depth
    now = fetched_at or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        return clean_article(run(html, str(url or ""), site, now, tree, watch))
    except RecursionError as exc:  # a property of the input (hostile nesting), not of our code
        raise ExtractError(str(url), ExtractError.TOO_DEEP) from exc


def explain(article: Article) -> list[tuple[str, str, str]]:
    """Rows of (field, rule, value preview) for `scraper extract --explain`."""
    rows = []
    for name in ("title", "authors", "published", "modified", "lang", "canonical_url", "body", "comments"):
        value = getattr(article, name)
        if name == "authors":
            preview = ", ".join(value)
        elif name == "comments":
            preview = f"{len(value)} comment(s)"
        elif name == "body":
            preview = (value[:70] + "…") if len(value) > 70 else value
            preview = preview.replace("\n", " ")
        else:
            preview = value or ""
        rows.append((name, article.sources.get(name, "—"), preview))
    return rows
