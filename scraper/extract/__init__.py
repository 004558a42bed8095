"""Turn one HTML page into an `Article`: site selectors, then a CMS preset, then generic rules.

Pure: html + url (+ site rules) in, Article out, no I/O.  Every field falls back on its own, and
`Article.sources` names the rule that produced it (see `explain`).  Only `ExtractError` escapes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..config import Site
from ..errors import ExtractError
from ..models import Article
from .article import run

__all__ = ["explain", "extract_article"]


def extract_article(html: str, url: str, site: Site | None = None, *, fetched_at: datetime | None = None) -> Article:
    """Extract title, authors, dates, body, comments, language and canonical URL from `html`.

    `fetched_at` anchors relative dates ("il y a 3 heures"); it defaults to now (UTC).
    """
    if isinstance(html, bytes | bytearray):
        html = bytes(html).decode("utf-8", "replace")
    if not isinstance(html, str):
        raise ExtractError(str(url), f"expected HTML text, got {type(html).__name__}")
    if not html.strip():
        raise ExtractError(str(url), "empty document")
    now = fetched_at or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        return run(html, str(url or ""), site, now)
    except ExtractError:
        raise
    except (Exception, RecursionError, MemoryError) as exc:  # the contract: only ExtractError
        raise ExtractError(str(url), f"{type(exc).__name__}: {exc}") from exc


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
